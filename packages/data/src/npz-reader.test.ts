import { encodeNpy, encodeZip } from './__fixtures__/numpy-writers';
import { openNpz } from './npz-reader';

describe('openNpz', () => {
  const x = encodeNpy('<f4', [3, 2], [1, 2, 3, 4, 5, 6]);
  const y = encodeNpy('<i8', [3], [0n, 1n, 1n]);

  it.each([
    ['stored (np.savez)', {}],
    ['deflated (np.savez_compressed)', { deflate: true }],
    ['with ZIP64 local headers (as NumPy writes)', { zip64: true, deflate: true }],
  ])('reads arrays %s', (_, options) => {
    const archive = openNpz(encodeZip({ 'x.npy': x, 'y.npy': y }, options), 'd.npz');
    expect(archive.names).toEqual(['x', 'y']);
    expect(Array.from(archive.read('x').values, Number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(archive.read('y').shape).toEqual([3]);
  });

  it('names the arrays it holds when one is missing, and refuses non-zip bytes', () => {
    const archive = openNpz(encodeZip({ 'x.npy': x }), 'd.npz');
    expect(() => archive.read('y')).toThrow("d.npz: no array 'y' (it holds x)");
    expect(() => openNpz(new Uint8Array(100), 'n.npz')).toThrow(
      'n.npz: not a zip archive (no end-of-central-directory record)',
    );
  });

  it('refuses a corrupt deflate stream', () => {
    const bytes = encodeZip({ 'x.npy': x }, { deflate: true });
    // The deflate data starts after the 30-byte local header and the 5-byte name.
    bytes.fill(0xff, 35, 45);
    expect(() => openNpz(bytes, 'c.npz').read('x')).toThrow(/c\.npz: x\.npy: /);
  });
});
