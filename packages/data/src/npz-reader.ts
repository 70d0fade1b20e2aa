import { UsageError } from '@neusemslice/core';
import { type NpyArray, parseNpy } from './npy-reader';
import { listZipEntries, readZipEntry } from './zip-reader';

/** The arrays of a NumPy `.npz` archive, read one at a time, by name (`x` for `x.npy`). */
export interface NpzArchive {
  /** The array names, in archive order. */
  readonly names: readonly string[];
  /** Decompresses and parses one array; throws a UsageError naming the archive's arrays if absent. */
  read(name: string): NpyArray;
}

/** Opens `.npz` bytes (stored by np.savez or deflated by np.savez_compressed). */
export function openNpz(archive: Uint8Array, source: string): NpzArchive {
  const entries = new Map(
    listZipEntries(archive, source)
      .filter((entry) => entry.name.endsWith('.npy'))
      .map((entry) => [entry.name.slice(0, -'.npy'.length), entry]),
  );
  const names = [...entries.keys()];
  return {
    names,
    read(name) {
      const entry = entries.get(name);
      if (!entry) {
        throw new UsageError(
          `${source}: no array '${name}' (it holds ${names.length > 0 ? names.join(', ') : 'no .npy arrays'})`,
        );
      }
      return parseNpy(readZipEntry(archive, entry, source), `${source}: ${entry.name}`);
    },
  };
}
