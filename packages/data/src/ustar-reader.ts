import { UsageError } from '@neusemslice/core';

/** A regular file of a tar archive. `content` is a view of the archive's bytes, not a copy. */
export interface TarEntry {
  path: string;
  content: Uint8Array;
}

const BLOCK = 512;

function readText(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return Buffer.from(end >= 0 ? field.subarray(0, end) : field).toString('utf8');
}

function readOctal(
  block: Uint8Array,
  offset: number,
  length: number,
  what: string,
  archiveName: string,
): number {
  const text = readText(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new UsageError(`${archiveName}: tar header field ${what} is not octal: '${text}'`);
  }
  return text === '' ? 0 : parseInt(text, 8);
}

/** The checksum of a header: the sum of its bytes with the checksum field read as spaces. */
function headerChecksum(block: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < BLOCK; index++)
    sum += index >= 148 && index < 156 ? 0x20 : block[index];
  return sum;
}

/** The `path` record of a pax extended header ("<length> path=<value>\n" records). */
function paxPath(content: Uint8Array): string | undefined {
  const text = Buffer.from(content).toString('utf8');
  const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
  return match ? match[1] : undefined;
}

/**
 * Lists the regular files of a tar archive (ustar, with the pax and GNU long-name extensions
 * that tar writes for long paths). Enough to unpack CIFAR-10's archive without a dependency;
 * links and devices are skipped. `archiveName` labels the errors.
 */
export function readTarEntries(archive: Uint8Array, archiveName: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let nextPath: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return entries; // end-of-archive marker
    const storedChecksum = readOctal(header, 148, 8, 'checksum', archiveName);
    if (storedChecksum !== headerChecksum(header)) {
      throw new UsageError(
        `${archiveName}: corrupt tar header at byte ${offset} (checksum mismatch); the archive is damaged`,
      );
    }
    const size = readOctal(header, 124, 12, 'size', archiveName);
    const contentStart = offset + BLOCK;
    if (contentStart + size > archive.length) {
      throw new UsageError(
        `${archiveName}: truncated: entry at byte ${offset} needs ${size} bytes, only ${archive.length - contentStart} remain`,
      );
    }
    const content = archive.subarray(contentStart, contentStart + size);
    const type = String.fromCharCode(header[156]);
    const prefix = readText(header, 257, 6) === 'ustar' ? readText(header, 345, 155) : '';
    const name = readText(header, 0, 100);
    const entryPath = nextPath ?? (prefix ? `${prefix}/${name}` : name);
    if (type === 'x') nextPath = paxPath(content);
    else if (type === 'L') nextPath = readText(content, 0, content.length);
    else {
      nextPath = undefined;
      if (type === '0' || type === '\0' || type === '7') entries.push({ path: entryPath, content });
    }
    offset = contentStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  // Some writers omit the end marker; a partial block at the end is damage, not a marker.
  if (offset !== archive.length) {
    throw new UsageError(
      `${archiveName}: truncated: ${archive.length - offset} stray bytes after the last tar entry`,
    );
  }
  return entries;
}
