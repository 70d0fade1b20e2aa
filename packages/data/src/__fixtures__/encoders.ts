// Writers of the exact on-disk formats, to test the readers on small generated files.
import { createHash } from 'node:crypto';

/** IDX bytes of a uint8 array with the given dims. */
export function encodeIdxUint8(dims: number[], values: ArrayLike<number>): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint8(2, 0x08);
  header.setUint8(3, dims.length);
  dims.forEach((size, axis) => header.setUint32(4 + 4 * axis, size, false));
  const bytes = new Uint8Array(header.byteLength + values.length);
  bytes.set(new Uint8Array(header.buffer), 0);
  bytes.set(Uint8Array.from(values), header.byteLength);
  return bytes;
}

/** Small MNIST-like image and label IDX files: `count` images of rows x cols. */
export function makeIdxPair(
  count: number,
  rows: number,
  cols: number,
  numClasses = 10,
): {
  images: Uint8Array;
  labels: Uint8Array;
  pixelValues: Uint8Array;
  labelValues: Uint8Array;
} {
  const pixelValues = Uint8Array.from(
    { length: count * rows * cols },
    (_, index) => (index * 37 + 11) % 256,
  );
  const labelValues = Uint8Array.from({ length: count }, (_, index) => (index * 7) % numClasses);
  return {
    images: encodeIdxUint8([count, rows, cols], pixelValues),
    labels: encodeIdxUint8([count], labelValues),
    pixelValues,
    labelValues,
  };
}

/** CIFAR-10 binary records: per image 1 label byte, then 1024 red, 1024 green, 1024 blue bytes. */
export function encodeCifarRecords(
  labels: number[],
  pixelOf: (image: number, channel: number, row: number, col: number) => number,
): Uint8Array {
  const recordLength = 1 + 3 * 32 * 32;
  const bytes = new Uint8Array(labels.length * recordLength);
  labels.forEach((label, image) => {
    const record = image * recordLength;
    bytes[record] = label;
    for (let channel = 0; channel < 3; channel++) {
      for (let row = 0; row < 32; row++) {
        for (let col = 0; col < 32; col++) {
          bytes[record + 1 + channel * 1024 + row * 32 + col] = pixelOf(image, channel, row, col);
        }
      }
    }
  });
  return bytes;
}

/** A ustar archive holding the given files (and a directory entry for each folder). */
export function encodeUstar(
  files: { name: string; content: Uint8Array; type?: '0' | '5' }[],
): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const file of files) {
    const header = new Uint8Array(512);
    const writeText = (offset: number, length: number, text: string): void => {
      header.set(Buffer.from(text, 'ascii').subarray(0, length), offset);
    };
    const octal = (value: number, length: number): string =>
      `${value.toString(8).padStart(length - 1, '0')}\0`;
    writeText(0, 100, file.name);
    writeText(100, 8, octal(0o644, 8));
    writeText(108, 8, octal(0, 8));
    writeText(116, 8, octal(0, 8));
    writeText(124, 12, octal(file.content.length, 12));
    writeText(136, 12, octal(0, 12));
    writeText(156, 1, file.type ?? '0');
    writeText(257, 6, 'ustar\0');
    writeText(263, 2, '00');
    header.fill(0x20, 148, 156);
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    writeText(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header);
    const padded = new Uint8Array(Math.ceil(file.content.length / 512) * 512);
    padded.set(file.content);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  // A plain Uint8Array copy: Buffer#slice would not copy.
  return new Uint8Array(Buffer.concat(blocks));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
