// Types of scripts/eager_compile.mjs (for tests/eager_compile_test.ts).

/**
 * `source` (an ES module) with its top-level function declarations rewritten
 * as parenthesized named function expressions, and how many there were.
 * Throws when the module's own evaluation may use one before its definition.
 */
export function markEager(source: string, fileName: string): { text: string; count: number };
