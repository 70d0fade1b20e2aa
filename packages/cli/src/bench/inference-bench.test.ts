import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveBackend } from '@neusemslice/core';
import { loadDataset, samplePerClass } from '@neusemslice/data';
import { createCliContainer } from '../plugins';
import { runInferenceBench } from './inference-bench';

// Training is checked end to end; tfjs's per-kernel leak check misfires on fused matmul (workflow.test.ts).
tf.env().set('IS_TEST', false);

describe('runInferenceBench', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inference-bench-'));
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('restructures the MLP and LeNet-5 and writes both side by side', async () => {
    const container = createCliContainer();
    await resolveBackend(container, { prefer: 'wasm', log: () => undefined });
    const train = await loadDataset('mnist', 'train', {});
    const test = await loadDataset('mnist', 'test', {});
    const small = train.subset(Int32Array.from({ length: 256 }, (_, index) => index));
    const { rows, markdown } = await runInferenceBench(container, small, test, {
      outDir,
      commandLine: 'neusemslice bench inference',
      backend: 'wasm',
      log: () => undefined,
      slicingData: (perClass, seed) => samplePerClass(train, perClass, seed),
      settings: { slicingPerClass: 4, testSamples: 64, timedSamples: { 8: 16 }, rounds: 1 },
    });
    expect(rows.map((row) => row.model)).toEqual(['MLP-MNIST', 'LeNet-5-MNIST']);
    for (const row of rows) {
      expect(row.parametersAfter).toBeLessThanOrEqual(row.parametersBefore);
      expect(row.testAccuracy).toBe(row.testAccuracyMasked);
      expect(row.originalSamplesPerSecond[8].median).toBeGreaterThan(0);
      expect(row.restructuredSamplesPerSecond[8].median).toBeGreaterThan(0);
    }
    const written = fs.readFileSync(path.join(outDir, 'restructured-inference.md'), 'utf8');
    expect(written).toBe(markdown);
    expect(written).toContain('Command: `neusemslice bench inference`');
    expect(written).toMatch(/\| LeNet-5-MNIST \| 8 \| 16 \|/);
  }, 120_000);
});
