import { linearCka } from './cka';
import { seededRandom } from '../testing';

function randomMatrix(
  samples: number,
  features: number,
  seed: number,
): { values: Float64Array; samples: number; features: number } {
  const random = seededRandom(seed);
  return {
    values: Float64Array.from({ length: samples * features }, () => random() - 0.5),
    samples,
    features,
  };
}

/** The paper's Eq. 1–2 literally: n × n Gram matrices, optionally centred with H = I − 11ᵀ/n. */
function ckaBySampleGrams(
  a: { values: Float64Array; samples: number; features: number },
  b: typeof a,
  centered: boolean,
): number {
  const n = a.samples;
  const gram = (m: typeof a) => {
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let f = 0; f < m.features; f++)
          sum += m.values[i * m.features + f] * m.values[j * m.features + f];
        g[i * n + j] = sum;
      }
    if (!centered) return g;
    const rowMeans = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        rowMeans[i] += g[i * n + j] / n;
        total += g[i * n + j] / (n * n);
      }
    return g.map(
      (value, index) => value - rowMeans[Math.floor(index / n)] - rowMeans[index % n] + total,
    );
  };
  const ga = gram(a);
  const gb = gram(b);
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < n * n; i++) {
    dot += ga[i] * gb[i];
    na += ga[i] ** 2;
    nb += gb[i] ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

describe('linearCka', () => {
  const a = randomMatrix(20, 6, 1);
  const b = randomMatrix(20, 4, 2);

  it.each([true, false])(
    'equals the Gram-matrix definition of Eq. 1–2 (centred: %s)',
    (centered) => {
      expect(linearCka(a, b, { centered })).toBeCloseTo(ckaBySampleGrams(a, b, centered), 10);
    },
  );

  it('is 1 for a representation and any rotation or scaling of it', () => {
    // Rotating two features by 30° and scaling everything by 3 keeps the Gram matrix's shape.
    const angle = Math.PI / 6;
    const rotated = { ...a, values: a.values.slice() };
    for (let row = 0; row < a.samples; row++) {
      const x = a.values[row * 6];
      const y = a.values[row * 6 + 1];
      rotated.values[row * 6] = 3 * (Math.cos(angle) * x - Math.sin(angle) * y);
      rotated.values[row * 6 + 1] = 3 * (Math.sin(angle) * x + Math.cos(angle) * y);
      for (let f = 2; f < 6; f++) rotated.values[row * 6 + f] = 3 * a.values[row * 6 + f];
    }
    expect(linearCka(a, a)).toBeCloseTo(1, 12);
    expect(linearCka(a, rotated)).toBeCloseTo(1, 12);
  });

  it('is lower for unrelated representations', () => {
    expect(linearCka(a, b)).toBeLessThan(0.9);
  });

  it('rejects mismatched inputs with a clear error', () => {
    expect(() => linearCka(a, randomMatrix(10, 4, 3))).toThrow(
      'CKA needs the same samples on both sides, got 20 and 10',
    );
    expect(() => linearCka({ values: new Float64Array(5), samples: 2, features: 3 }, a)).toThrow(
      'first feature matrix has 5 values, expected samples × features = 2 × 3',
    );
  });
});
