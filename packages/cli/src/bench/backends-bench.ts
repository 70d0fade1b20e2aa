import * as path from 'node:path';
import { resolveBackend, writeFileAtomic, type LabeledDataset } from '@neusemslice/core';
import type { DependencyContainer } from 'tsyringe';
import { describeMachine } from './machine';
import { measureTorchThroughput } from './torch-peer';
import { measureTrainingThroughput } from './training-throughput';

/** Samples measured per backend and model: enough for a stable rate, few enough for slow cpu. */
const SAMPLES: Record<string, Record<string, number>> = {
  wasm: { mlp: 12800, lenet5: 2560 },
  cpu: { mlp: 1280, lenet5: 256 },
};

export interface BackendsBenchResult {
  rows: { backend: string; model: string; samplesPerSecond: number }[];
  markdown: string;
}

/** Training throughput of the MLP and LeNet-5 on wasm and cpu, and PyTorch beside them. */
export async function runBackendsBench(
  container: DependencyContainer,
  train: LabeledDataset,
  options: { outDir: string; commandLine: string; log: (line: string) => void },
): Promise<BackendsBenchResult> {
  const rows: BackendsBenchResult['rows'] = [];
  for (const backend of Object.keys(SAMPLES)) {
    await resolveBackend(container, { prefer: backend, log: options.log });
    for (const [model, samples] of Object.entries(SAMPLES[backend])) {
      options.log(`bench: training ${model} on ${backend} for ${samples} samples…`);
      const samplesPerSecond = await measureTrainingThroughput(model, train, samples);
      options.log(`bench: ${model} on ${backend}: ${samplesPerSecond.toFixed(0)} samples/s`);
      rows.push({ backend, model, samplesPerSecond });
    }
  }
  options.log('bench: PyTorch peer…');
  const torch = measureTorchThroughput();
  const rate = (backend: string, model: string) =>
    rows.find((row) => row.backend === backend && row.model === model)?.samplesPerSecond ?? NaN;
  const lines = [
    '# Training throughput by backend',
    '',
    `Command: \`${options.commandLine}\` · seed 1 · batch 128 · Adam · MNIST training images`,
    `Machine: ${describeMachine()} · date ${new Date().toISOString().slice(0, 10)}`,
    '',
    'Samples per second of one training epoch (one warm-up batch first), timed end to end with batching.',
    '',
    '| model | wasm (with added kernels) | cpu (pure JS) | wasm / cpu | PyTorch CPU, 1 thread | tfjs wasm / PyTorch |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const model of ['mlp', 'lenet5']) {
    const torchRate = 'unavailable' in torch ? NaN : torch[model as 'mlp' | 'lenet5'];
    const torchCell = Number.isNaN(torchRate) ? 'n/a' : torchRate.toFixed(0);
    const ratio = Number.isNaN(torchRate) ? 'n/a' : (rate('wasm', model) / torchRate).toFixed(2);
    lines.push(
      `| ${model} | ${rate('wasm', model).toFixed(0)} | ${rate('cpu', model).toFixed(1)} | ${(rate('wasm', model) / rate('cpu', model)).toFixed(1)}× | ${torchCell} | ${ratio} |`,
    );
  }
  lines.push('');
  lines.push(
    'unavailable' in torch
      ? `PyTorch: not measured (${torch.unavailable}).`
      : `PyTorch ${torch.torch} (Debian python3-torch) with OPENBLAS_NUM_THREADS=1 and ${torch.threads} thread, the same models (MLP 784-512-256-10, LeNet-5), batch 128, Adam, random inputs of the same shape.`,
  );
  const speedup = rate('wasm', 'mlp') / rate('cpu', 'mlp');
  lines.push(
    '',
    `Check: wasm trains the MLP ${speedup.toFixed(1)}× faster than cpu (target ≥ 5×): ${speedup >= 5 ? 'met' : 'NOT met'}.`,
    '',
  );
  const markdown = lines.join('\n');
  writeFileAtomic(path.join(options.outDir, 'backends.md'), markdown);
  return { rows, markdown };
}
