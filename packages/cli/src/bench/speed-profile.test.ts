import * as tf from '@tensorflow/tfjs';
import { categoryOf, profileOurWork, timeByCategory, type WorkProfile } from './kernel-profile';
import { PROFILED_WORKS, profileRow, speedProfileMarkdown } from './speed-profile';

const MLP_TRAINING = PROFILED_WORKS[0];

describe('the speed profile', () => {
  it('sorts tfjs kernels and PyTorch ops into the same categories', () => {
    expect(categoryOf('BatchMatMul')).toBe('matrix multiply');
    expect(categoryOf('aten::addmm')).toBe('matrix multiply');
    expect(categoryOf('Conv2DBackpropFilter')).toBe('convolution');
    expect(categoryOf('aten::convolution_backward')).toBe('convolution');
    expect(categoryOf('MaxPoolGrad')).toBe('pooling');
    expect(categoryOf('aten::max_pool2d_with_indices')).toBe('pooling');
    expect(categoryOf('RealDiv')).toBe('other kernels');
    expect(categoryOf('aten::div')).toBe('other kernels');
  });

  it('counts the wall time no kernel accounts for as outside kernels, never below 0', () => {
    const profile: WorkProfile = {
      samples: 10,
      wallSeconds: 1,
      kernels: { BatchMatMul: 0.5, Add: 0.2, MaxPool: 0.1 },
    };
    const seconds = timeByCategory(profile);
    expect(seconds['matrix multiply']).toBe(0.5);
    expect(seconds.pooling).toBe(0.1);
    expect(seconds['other kernels']).toBe(0.2);
    expect(seconds['outside kernels']).toBeCloseTo(0.2, 12);
    expect(timeByCategory({ ...profile, wallSeconds: 0.5 })['outside kernels']).toBe(0);
  });

  it('bounds the speed ratio by our matrix-multiply time, per sample', () => {
    // Ours: 4 s for 100 samples, 3 s of it matrix multiply. PyTorch: 1 s for 50 samples, 0.4 s.
    const ours: WorkProfile = { samples: 100, wallSeconds: 4, kernels: { MatMul: 3, Add: 0.5 } };
    const theirs: WorkProfile = {
      samples: 50,
      wallSeconds: 1,
      kernels: { 'aten::mm': 0.4, 'aten::div': 0.4 },
    };
    const row = profileRow(MLP_TRAINING, ours, theirs);
    expect(row.ratio).toBeCloseTo(0.02 / 0.04, 12);
    expect(row.ceilingRatio).toBeCloseTo(0.02 / 0.03, 12);
    // Our GEMM at PyTorch's 0.008 s per sample, the rest of ours (0.01 s per sample) unchanged.
    expect(row.atTheirLinearAlgebra).toBeCloseTo(0.02 / 0.018, 12);
    const markdown = speedProfileMarkdown([row], [{ m: 2, k: 3, n: 4, ours: 10, theirs: 40 }], {
      commandLine: 'neusemslice bench profile',
      backend: 'wasm',
      quick: false,
      batchSize: 128,
      torch: { torch: '1.13', threads: 1, blas: 'openblas', works: {}, gemm: [] },
      torchNote: '',
      loadAverages: [
        [0.1, 0.1, 0.1],
        [0.2, 0.2, 0.2],
      ],
      startedAt: new Date(0),
    });
    expect(markdown).toContain('| 2×3 · 3×4 | 10.0 | 40.0 | 0.25 |');
    expect(markdown).toContain(
      "· seed 1 (models and PyTorch's inputs) · batch 128 · Adam · backend wasm",
    );
    expect(markdown).toContain('| matrix multiply | 30000.00 | 8000.00 | 3.75 |');
    expect(markdown).toContain('in this run: **0.50×**');
    expect(markdown).toContain('took no time: 0.67×, which is **below the target of 1.0×**');
    expect(markdown).toContain(
      "took PyTorch's time and the rest stayed as it is: 1.11×, which reaches the target",
    );
  });

  it('gives no bound where our side timed no matrix multiply', () => {
    const row = profileRow(
      MLP_TRAINING,
      { samples: 1, wallSeconds: 1, kernels: { Add: 0.5 } },
      { samples: 1, wallSeconds: 1, kernels: { 'aten::mm': 0.5 } },
    );
    expect(row.ceilingRatio).toBeUndefined();
    const markdown = speedProfileMarkdown([row], [], {
      commandLine: 'neusemslice bench profile',
      backend: 'cpu',
      quick: true,
      batchSize: 64,
      torchNote: 'python3-torch is not installed',
      loadAverages: [
        [0, 0, 0],
        [0, 0, 0],
      ],
      startedAt: new Date(0),
    });
    expect(markdown).toContain(
      'took no time: n/a (no matrix multiply or convolution time measured)',
    );
    expect(markdown).toContain('**--quick: a smoke run whose numbers are not comparable**');
    expect(markdown).toContain("batch 64 (PyTorch's side: 128)");
  });

  it("profiles tfjs kernels without counting an op's wrapper on top of its kernels", async () => {
    const a = tf.randomUniform([32, 16]);
    const b = tf.randomUniform([16, 8]);
    const bias = tf.zeros([8]);
    const before = tf.memory().numTensors;
    const profile = await profileOurWork(32, () => {
      tf.tidy(() => {
        tf.fused.matMul({ a, b, bias, activation: 'relu' }).dataSync();
      });
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(profile.samples).toBe(32);
    expect(profile.wallSeconds).toBeGreaterThan(0);
    expect(Object.keys(profile.kernels)).toContain('_FusedMatMul');
    expect(Object.keys(profile.kernels).filter((name) => name.endsWith('__op'))).toEqual([]);
    tf.dispose([a, b, bias]);
  });
});
