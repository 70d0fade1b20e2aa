import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { UsageError } from '@neusemslice/core';
import type { DatasetName } from './dataset-catalog';

/**
 * SHA-256 of the DECODED (decompressed) bytes of each canonical file. Hashing decoded bytes makes
 * the check independent of how a file was compressed: Debian's Fashion-MNIST .gz files are
 * recompressed, so their own digests differ from the originals while the content is the same.
 */
export const KNOWN_SHA256: Record<DatasetName, Readonly<Record<string, string>>> = {
  mnist: {
    'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  },
  'fashion-mnist': {
    'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
  // Not known yet: the CIFAR-10 files could not be obtained where this table was computed.
  // Until digests are added, CIFAR-10 files are checked only for their record format.
  cifar10: {},
};

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The known file whose digest this is, e.g. `mnist's t10k-images-idx3-ubyte`, if any. */
function identifyDigest(digest: string): string | undefined {
  for (const [dataset, table] of Object.entries(KNOWN_SHA256)) {
    for (const [fileName, known] of Object.entries(table)) {
      if (known === digest) return `${dataset}'s ${fileName}`;
    }
  }
  return undefined;
}

/** Files already verified in this process, keyed by path, size, modification time and inode. */
const verifiedFiles = new Set<string>();

function fileIdentity(filePath: string): string | undefined {
  try {
    const stats = fs.statSync(filePath);
    return `${fs.realpathSync(filePath)}\0${stats.size}\0${stats.mtimeMs}\0${stats.ino}`;
  } catch {
    return undefined;
  }
}

export type ChecksumOutcome = 'verified' | 'cached' | 'unknown';

/**
 * Checks the decoded bytes of `canonicalName` of a data set against the known digest.
 * 'unknown' when no digest is known for it; 'cached' when the same unchanged file was verified
 * earlier in this process, so repeated loads do not rehash. Throws a UsageError naming the file,
 * the expected and the actual digest on a mismatch.
 */
export function verifyDatasetFile(options: {
  dataset: DatasetName;
  canonicalName: string;
  filePath: string;
  decodedBytes: () => Uint8Array;
}): ChecksumOutcome {
  const expected = KNOWN_SHA256[options.dataset][options.canonicalName];
  if (!expected) return 'unknown';
  const identity = fileIdentity(options.filePath);
  if (identity && verifiedFiles.has(`${expected}\0${identity}`)) return 'cached';
  checkDigest(options.dataset, options.canonicalName, options.filePath, options.decodedBytes());
  if (identity) verifiedFiles.add(`${expected}\0${identity}`);
  return 'verified';
}

/** Throws a UsageError unless the decoded bytes have the known digest (no-op when none is known). */
export function checkDigest(
  dataset: DatasetName,
  canonicalName: string,
  source: string,
  decodedBytes: Uint8Array,
): void {
  checkDigestHex(dataset, canonicalName, source, sha256Hex(decodedBytes));
}

/** checkDigest for a digest already computed (e.g. while streaming the file). */
export function checkDigestHex(
  dataset: DatasetName,
  canonicalName: string,
  source: string,
  actual: string,
): void {
  const expected = KNOWN_SHA256[dataset][canonicalName];
  if (!expected || actual === expected) return;
  const identified = identifyDigest(actual);
  throw new UsageError(
    `${source}: SHA-256 of the decoded ${dataset} file ${canonicalName} is ${actual}, expected ${expected}` +
      (identified ? ` (these are the bytes of ${identified})` : '') +
      '; replace the file with a good copy (or delete it from the cache and load again)',
  );
}

/** Forgets which files were verified (for tests). */
export function clearChecksumCache(): void {
  verifiedFiles.clear();
}
