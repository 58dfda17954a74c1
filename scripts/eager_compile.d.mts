// Types of scripts/eager_compile.mjs (for tests/eager_compile_test.ts).

/**
 * `source` (an ES module) with its top-level function declarations rewritten
 * as parenthesized named function expressions (`count`: how many), and its
 * other function expressions parenthesized.
 * Throws when the module's own evaluation may use one before its definition.
 */
export function markEager(source: string, fileName: string): { text: string; count: number };
