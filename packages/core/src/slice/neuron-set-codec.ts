import { UsageError } from '../errors';

/**
 * Neuron index sets are stored as base64 bitsets (bit n set = neuron n is in the set): a
 * 512-neuron layer takes 88 characters whatever the set's size, which keeps slices small.
 */
export function encodeNeuronSet(indices: readonly number[], units: number): string {
  const bytes = new Uint8Array(Math.ceil(units / 8));
  for (const index of indices) bytes[index >> 3] |= 1 << (index & 7);
  return Buffer.from(bytes).toString('base64');
}

export function decodeNeuronSet(encoded: string, units: number, where: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== Math.ceil(units / 8)) {
    throw new UsageError(
      `${where}: neuron set has ${bytes.length * 8} bits, expected ${units} neurons`,
    );
  }
  if (Buffer.from(bytes).toString('base64') !== encoded.replace(/\s/g, '')) {
    throw new UsageError(`${where}: neuron set is not valid base64`);
  }
  for (let index = units; index < bytes.length * 8; index++) {
    if (bytes[index >> 3] & (1 << (index & 7))) {
      throw new UsageError(`${where}: neuron index ${index} out of range 0 … ${units - 1}`);
    }
  }
  const indices: number[] = [];
  for (let index = 0; index < units; index++) {
    if (bytes[index >> 3] & (1 << (index & 7))) indices.push(index);
  }
  return indices;
}
