/** byte / 255 for every byte value: a table lookup is exact and faster than dividing. */
const UNIT_BY_BYTE = Float32Array.from({ length: 256 }, (_, byte) => byte / 255);

/** Scales 8-bit pixels to float32 in [0, 1]. */
export function bytesToUnitFloats(bytes: Uint8Array): Float32Array {
  const floats = new Float32Array(bytes.length);
  for (let index = 0; index < bytes.length; index++) floats[index] = UNIT_BY_BYTE[bytes[index]];
  return floats;
}

/** Writes byte / 255 of every byte into `target` from `offset` on; returns `target`. */
export function copyBytesAsUnitFloats(
  bytes: Uint8Array,
  target: Float32Array,
  offset: number,
): Float32Array {
  for (let index = 0; index < bytes.length; index++) {
    target[offset + index] = UNIT_BY_BYTE[bytes[index]];
  }
  return target;
}
