import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@neusemslice/core';
import { sha256Hex } from './checksums';

/** The checksum files looked for beside a user's data when none is given. */
export const CHECKSUM_FILE_NAMES: readonly string[] = ['SHA256SUMS', 'SHA256SUMS.txt'];

/** SHA-256 digests by file name, read from a `sha256sum` listing. */
export interface ChecksumList {
  /** Where the list came from, for messages. */
  file: string;
  digests: ReadonlyMap<string, string>;
}

/**
 * Parses a `sha256sum` listing: one `<64 hex digits> <name>` per line (`*name` in binary mode;
 * blank lines and `#` comments skipped). Names are reduced to their base name.
 */
export function parseChecksumList(text: string, file: string): ChecksumList {
  const digests = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(trimmed);
    if (!match) {
      throw new UsageError(
        `${file}: line ${index + 1} is not '<sha256 hex> <file name>' (as sha256sum writes): ${JSON.stringify(trimmed)}`,
      );
    }
    digests.set(path.basename(match[2].trim()), match[1].toLowerCase());
  });
  return { file, digests };
}

/** The checksum list to use: the given file, else SHA256SUMS beside the data, else none. */
export function findChecksumList(
  dataDirectory: string,
  checksumsFile?: string,
): ChecksumList | undefined {
  const candidates =
    checksumsFile !== undefined
      ? [checksumsFile]
      : CHECKSUM_FILE_NAMES.map((name) => path.join(dataDirectory, name)).filter((file) =>
          fs.existsSync(file),
        );
  if (candidates.length === 0) return undefined;
  const file = candidates[0];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the checksum file ${file}: ${(error as Error).message}`);
  }
  return parseChecksumList(text, file);
}

/**
 * Throws a UsageError unless the file's bytes (as stored on disk, like sha256sum reads them)
 * have the digest the list gives for its name; a file missing from the list is refused too.
 */
export function checkListedDigest(list: ChecksumList, filePath: string, bytes: Uint8Array): void {
  const name = path.basename(filePath);
  const expected = list.digests.get(name);
  if (expected === undefined) {
    throw new UsageError(
      `${filePath} is not listed in the checksum file ${list.file}; add its line (sha256sum ${name}) or leave the file out`,
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== expected) {
    throw new UsageError(
      `${filePath}: SHA-256 is ${actual}, but ${list.file} expects ${expected}; replace the file with a good copy`,
    );
  }
}
