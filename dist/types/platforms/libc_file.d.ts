/** The whole contents of `path`; OSError when it cannot be opened or read. */
export declare function readFileWithLibc(path: string): Uint8Array;
/**
 * Bytes of a kernel or pidfile text as a string, one char per byte (Latin-1),
 * so that no byte is lost or replaced; in one call (a daemon reads its own
 * /proc stat once, cold, before it is ready, and a loop of += is slow until
 * it is compiled).
 */
export declare function latin1(bytes: Uint8Array): string;
/**
 * True when `text` is one or more ASCII digits. A loop, not a regular
 * expression: Bun compiles each expression on its first use (~80 us), and
 * this runs on a daemon's cold path.
 */
export declare function isDecimal(text: string): boolean;
