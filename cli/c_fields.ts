/**
 * Unsigned fields of C structs in a DataView, 4 or 8 bytes wide (the
 * tables of ffi/platform.ts give each field's width), little-endian as
 * every platform posixly has tables for.
 *
 * @module
 */

/** Writes an unsigned field of 4 or 8 bytes. */
export function setField(
  view: DataView,
  offset: number,
  size: 4 | 8,
  value: number | bigint,
): void {
  if (size === 8) view.setBigUint64(offset, BigInt(value), true);
  else view.setUint32(offset, Number(value), true);
}

/** Reads an unsigned field of 4 or 8 bytes. */
export function getField(view: DataView, offset: number, size: 4 | 8): number {
  return size === 8 ? Number(view.getBigUint64(offset, true)) : view.getUint32(offset, true);
}
