// @ts-self-types="./eager_compile.d.mts"
// For scripts/build.mjs: marks the ES module bundle's top-level functions for
// eager compilation, so that Deno's code cache holds their bytecode.
//
// Deno caches V8's bytecode of every module it loads, but only what V8
// compiled when it compiled the module: a function is compiled on its first
// call, so each process compiles again every function it calls. That costs a
// daemon's launcher and the daemon ~0.7 ms each on the way to "ready". V8
// compiles a function at once when its `function` keyword follows an opening
// parenthesis (its "PIFE" heuristic: that function is likely called soon).
// So `function name(...) {...}` becomes `var name = (function name(...) {...});`,
// with the same name, parameters and body. Function expressions anywhere are
// put in parentheses too (`f = function f() {}` becomes `f = (function f() {})`):
// V8 then compiles each with the function around it, so one inside a top-level
// function is in the cache with it. Arrow functions, methods and class members
// have no such hint and stay as they are.
//
// The one change of meaning: a `var` is assigned where the function stood,
// while a declaration is hoisted. So the bundle must call none of these
// functions during its own evaluation before their definition; the rewrite
// checks that statically (see `earlyUses`) and refuses otherwise.
import ts from "typescript";

/**
 * `source` (an ES module) with its top-level function declarations rewritten
 * as parenthesized named function expressions, and its other function
 * expressions parenthesized. `count` is the number of declarations rewritten.
 *
 * @param {string} source
 * @param {string} fileName for messages
 * @returns {{ text: string, count: number }}
 */
export function markEager(source, fileName) {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits = [];
  const names = new Map();
  for (const st of sf.statements) {
    if (!ts.isFunctionDeclaration(st) || !st.name || !st.body) continue;
    if (st.modifiers?.some((m) => m.kind !== ts.SyntaxKind.AsyncKeyword)) continue;
    names.set(st.name.text, st.getStart(sf));
    edits.push(st);
  }
  const early = earlyUses(sf, names);
  if (early.length > 0) {
    throw new Error(
      `${fileName}: cannot mark functions for eager compilation: the module's own evaluation ` +
        `uses them before their definition: ${early.join(", ")}`,
    );
  }
  /** [offset, text to insert there]; each offset once. */
  const inserts = [];
  for (const st of edits) {
    inserts.push([st.getStart(sf), `var ${st.name.text} = (`], [st.end, ");"]);
  }
  const visit = (node) => {
    if (ts.isFunctionExpression(node) && !ts.isParenthesizedExpression(node.parent)) {
      inserts.push([node.getStart(sf), "("], [node.end, ")"]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  inserts.sort((a, b) => b[0] - a[0]);
  let text = source;
  for (let i = 0; i < inserts.length; i++) {
    const [at, what] = inserts[i];
    if (i > 0 && inserts[i - 1][0] === at) {
      throw new Error(`${fileName}: two parentheses to insert at offset ${at}`);
    }
    text = text.slice(0, at) + what + text.slice(at);
  }
  return { text, count: edits.length };
}

/**
 * Names of `names` (name -> its declaration's offset) that the module's own
 * evaluation may reach before their definition: referred to by top-level code
 * above the definition, or from the body of a function that such code refers
 * to (and so on). Conservative: a reference counts as a call. Function
 * declarations' and class members' bodies do not run at evaluation; all else
 * (static blocks, static fields, arrow functions at the top) counts as if it did.
 * Not followed: a static block that calls a method of its class. If that
 * method used a later function, loading dist/ would fail in every test.
 */
function earlyUses(sf, names) {
  /** [name, offset] of each reference under `root` (not into deferred bodies, if asked). */
  const refsIn = (root, skipBodies) => {
    const out = [];
    const visit = (node) => {
      if (skipBodies && node !== root && isDeferred(node)) return;
      if (ts.isIdentifier(node) && names.has(node.text) && !isPropertyName(node)) {
        out.push([node.text, node.getStart(sf)]);
      }
      ts.forEachChild(node, visit);
    };
    visit(root);
    return out;
  };
  const bodies = new Map();
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && names.has(st.name.text)) {
      bodies.set(st.name.text, new Set(refsIn(st.body, false).map(([n]) => n)));
    }
  }
  const found = new Set();
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st)) continue;
    for (const [name, at] of refsIn(st, true)) {
      const seen = new Set();
      const reach = (n) => {
        if (seen.has(n)) return;
        seen.add(n);
        if (names.get(n) > at) found.add(n);
        for (const m of bodies.get(n) ?? []) reach(m);
      };
      reach(name);
    }
  }
  return [...found].sort();
}

/** A function-like node whose body does not run where it stands (a declaration, a class member). */
function isDeferred(node) {
  if (ts.isFunctionDeclaration(node) || ts.isConstructorDeclaration(node)) return true;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node)) return true;
  if (ts.isSetAccessorDeclaration(node)) return true;
  // An instance field's initializer runs at construction.
  return ts.isPropertyDeclaration(node) &&
    !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

/** `x` in `a.x` or `{ x: 1 }`: a name, not a reference. */
function isPropertyName(node) {
  const parent = node.parent;
  return ((ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) ||
    ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node);
}
