import { encodeNpy } from './__fixtures__/numpy-writers';
import { parseNpy } from './npy-reader';

describe('parseNpy', () => {
  it('reads every supported dtype in C order, values and shape intact', () => {
    const cases: [string, number[]][] = [
      ['|u1', [0, 7, 255, 3, 128, 1]],
      ['<i4', [-5, 0, 2147483647, 12, -2147483648, 3]],
      ['<f4', [0.5, -1.25, 3, 1e-3, 7, 0]],
      ['<f8', [0.1, -2.5, 1e300, 4, 5, 6]],
    ];
    for (const [descr, values] of cases) {
      const array = parseNpy(encodeNpy(descr, [2, 3], values), `a${descr}.npy`);
      expect(array.shape).toEqual([2, 3]);
      expect(Array.from(array.values, Number)).toEqual(
        descr === '<f4' ? values.map(Math.fround) : values,
      );
    }
    const int64 = parseNpy(encodeNpy('<i8', [3], [1n, -2n, 2n ** 40n]), 'y.npy');
    expect(int64.dataType).toBe('int64');
    expect(Array.from(int64.values, Number)).toEqual([1, -2, 2 ** 40]);
  });

  it('reads format version 2 headers and one-dimensional shapes', () => {
    const array = parseNpy(encodeNpy('<f4', [4], [1, 2, 3, 4], { version: 2 }), 'v2.npy');
    expect(array.shape).toEqual([4]);
    expect(Array.from(array.values, Number)).toEqual([1, 2, 3, 4]);
  });

  it('refuses Fortran order, pickles, big-endian and other dtypes with the file named', () => {
    expect(() =>
      parseNpy(encodeNpy('<f4', [2, 2], [1, 2, 3, 4], { fortranOrder: true }), 'f.npy'),
    ).toThrow(/f\.npy: the array is in Fortran order/);
    const objectArray = encodeNpy('|u1', [2], [1, 2]);
    const text = Buffer.from(objectArray).toString('latin1').replace("'|u1'", "'|O' ");
    expect(() => parseNpy(new Uint8Array(Buffer.from(text, 'latin1')), 'o.npy')).toThrow(
      "o.npy: dtype '|O' is an object array (a pickle), which is never loaded; supported: u1, i4, i8, f4, f8",
    );
    expect(() => parseNpy(encodeNpy('>f4', [2], [1, 2]), 'b.npy')).toThrow(
      "b.npy: dtype '>f4' is big-endian",
    );
    expect(() => parseNpy(encodeNpy('<i2', [2], [1, 2]), 'h.npy')).toThrow(
      "h.npy: dtype '<i2' is not a supported dtype",
    );
  });

  it('refuses files that are not .npy or are truncated', () => {
    expect(() => parseNpy(new Uint8Array(20), 'z.npy')).toThrow('z.npy: not a NumPy .npy file');
    const whole = encodeNpy('<f4', [2, 2], [1, 2, 3, 4]);
    expect(() => parseNpy(whole.subarray(0, whole.length - 1), 't.npy')).toThrow(
      /t\.npy: expected \d+ bytes for <f4 of shape \(2, 2\), got \d+/,
    );
  });
});
