import { encodeUstar } from './__fixtures__/encoders';
import { readTarEntries } from './ustar-reader';

const text = (value: string): Uint8Array => Uint8Array.from(Buffer.from(value));

describe('readTarEntries', () => {
  it('lists regular files with their content, skipping directories', () => {
    const big = Uint8Array.from({ length: 1300 }, (_, index) => index % 251);
    const archive = encodeUstar([
      { name: 'cifar-10-batches-bin/', content: new Uint8Array(0), type: '5' },
      { name: 'cifar-10-batches-bin/readme.html', content: text('hello') },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', content: big },
      { name: 'empty', content: new Uint8Array(0) },
    ]);
    const entries = readTarEntries(archive, 'a.tar');
    expect(entries.map((entry) => entry.path)).toEqual([
      'cifar-10-batches-bin/readme.html',
      'cifar-10-batches-bin/data_batch_1.bin',
      'empty',
    ]);
    expect(Buffer.from(entries[0].content).toString()).toBe('hello');
    expect(Array.from(entries[1].content)).toEqual(Array.from(big));
    expect(entries[2].content).toHaveLength(0);
  });

  it('applies a pax path record and a GNU long name to the next entry', () => {
    const longName = `${'d/'.repeat(60)}file.bin`;
    const paxRecord = `${longName.length + 11} path=${longName}\n`;
    const archive = encodeUstar([
      { name: 'PaxHeader', content: text(paxRecord), type: 'x' as '0' },
      { name: 'short-a', content: text('A') },
      { name: '././@LongLink', content: text(`${longName}2\0`), type: 'L' as '0' },
      { name: 'short-b', content: text('B') },
      { name: 'plain', content: text('C') },
    ]);
    expect(readTarEntries(archive, 'a.tar').map((entry) => entry.path)).toEqual([
      longName,
      `${longName}2`,
      'plain',
    ]);
  });

  it('refuses a damaged header and a truncated entry', () => {
    const archive = encodeUstar([{ name: 'f', content: new Uint8Array(2000) }]);
    const damaged = archive.slice();
    damaged[10] = 0x41;
    expect(() => readTarEntries(damaged, 'x.tar')).toThrow(
      'x.tar: corrupt tar header at byte 0 (checksum mismatch); the archive is damaged',
    );
    expect(() => readTarEntries(archive.subarray(0, 1024), 'x.tar')).toThrow(
      'x.tar: truncated: entry at byte 0 needs 2000 bytes, only 512 remain',
    );
    expect(() => readTarEntries(archive.subarray(0, 2560 + 100), 'x.tar')).toThrow(
      'x.tar: truncated: 100 stray bytes after the last tar entry',
    );
  });
});
