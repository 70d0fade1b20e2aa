import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type LabeledDataset, writeFileAtomic } from '@neusemslice/core';
import { createModel } from '@neusemslice/models';
import {
  matMulRate,
  profileOurWork,
  TIME_CATEGORIES,
  timeByCategory,
  type WorkProfile,
} from './kernel-profile';
import { describeMachine } from './machine';
import { inputBatches, predictBatches } from './speed-vs-pytorch';
import { measureTorchProfile, type TorchProfile } from './torch-peer';
import { trainingRun } from './training-throughput';
import type { BenchRunOptions } from './bench-run';

/** The speed rows whose targets a profile has to explain, as bench/torch_profile.py names them. */
export const PROFILED_WORKS = [
  { key: 'mlp_training', work: 'MLP 784-512-256-10 training', target: 1.0 },
  { key: 'lenet5_training', work: 'LeNet-5 training', target: 0.6 },
  { key: 'mlp_inference', work: 'MLP inference', target: 0.8 },
] as const;
type WorkKey = (typeof PROFILED_WORKS)[number]['key'];

/** The products of the MLP's first layer: forward, input gradient, weight gradient (m, k, n). */
export const GEMM_SHAPES: readonly [number, number, number][] = [
  [128, 784, 512],
  [128, 512, 784],
  [784, 128, 512],
];

/** One profiled work, ours and PyTorch's, and what its figures bound. */
export interface ProfileRow {
  key: WorkKey;
  work: string;
  target: number;
  ours: WorkProfile;
  theirs?: WorkProfile;
  /** PyTorch's wall time ÷ ours, per sample: the speed ratio of this run. */
  ratio?: number;
  /** The ratio if every cost of ours but matrix multiply and convolution were free. */
  ceilingRatio?: number;
  /** The ratio if our matrix multiply and convolution took PyTorch's time, the rest unchanged. */
  atTheirLinearAlgebra?: number;
}

export interface GemmRow {
  m: number;
  k: number;
  n: number;
  ours: number;
  theirs?: number;
}

const perSample = (profile: WorkProfile) => profile.wallSeconds / profile.samples;
const linearAlgebraPerSample = (profile: WorkProfile) => {
  const seconds = timeByCategory(profile);
  return (seconds['matrix multiply'] + seconds.convolution) / profile.samples;
};

/** The row's ratios from its two profiles (all per sample, so sample counts may differ). */
export function profileRow(
  entry: (typeof PROFILED_WORKS)[number],
  ours: WorkProfile,
  theirs?: WorkProfile,
): ProfileRow {
  if (!theirs) return { ...entry, ours };
  const ourLinearAlgebra = linearAlgebraPerSample(ours);
  return {
    ...entry,
    ours,
    theirs,
    ratio: perSample(theirs) / perSample(ours),
    // Without any matrix multiply or convolution (or a backend whose kernels time as 0) there is no bound.
    ceilingRatio: ourLinearAlgebra > 0 ? perSample(theirs) / ourLinearAlgebra : undefined,
    atTheirLinearAlgebra:
      perSample(theirs) / (linearAlgebraPerSample(theirs) + perSample(ours) - ourLinearAlgebra),
  };
}

/**
 * Where the time of each speed row with a missed-or-met target goes, kernel by kernel, ours on the
 * active backend beside PyTorch's ops (bench/torch_profile.py, the same works and sample counts),
 * and both sides' matrix-multiply speed on the MLP's shapes. Writes speed-profile.md.
 */
export async function runSpeedProfile(
  train: LabeledDataset,
  test: LabeledDataset,
  options: BenchRunOptions & { quick: boolean; batchSize: number },
): Promise<{ rows: ProfileRow[]; gemm: GemmRow[]; markdown: string }> {
  const { quick, batchSize } = options;
  const loadAtStart = os.loadavg();
  const startedAt = new Date();
  // The same batch counts as bench/torch_profile.py.
  const samples: Record<WorkKey, number> = quick
    ? { mlp_training: 10 * 128, lenet5_training: 4 * 128, mlp_inference: 2000 }
    : { mlp_training: 40 * 128, lenet5_training: 16 * 128, mlp_inference: 10000 };

  const ours = {} as Record<WorkKey, WorkProfile>;
  for (const [key, modelName] of [
    ['mlp_training', 'mlp'],
    ['lenet5_training', 'lenet5'],
  ] as const) {
    options.log(`bench profile: ${modelName} training, ${samples[key]} samples…`);
    const training = trainingRun(modelName, train, samples[key], batchSize);
    try {
      ours[key] = await profileOurWork(samples[key], training.run);
    } finally {
      training.dispose();
    }
  }
  options.log(`bench profile: MLP inference, ${samples.mlp_inference} samples…`);
  const inferenceModel = createModel('mlp', {
    inputShape: [...test.inputShape],
    numClasses: 10,
    seed: 1,
  });
  const batches = inputBatches(test, samples.mlp_inference, batchSize);
  try {
    ours.mlp_inference = await profileOurWork(samples.mlp_inference, () =>
      predictBatches(inferenceModel, batches),
    );
  } finally {
    tf.dispose(batches);
    inferenceModel.dispose();
  }

  options.log('bench profile: matrix multiply alone…');
  const gemmSeconds = quick ? 0.5 : 2;
  const gemm: GemmRow[] = GEMM_SHAPES.map(([m, k, n]) => ({
    m,
    k,
    n,
    ours: matMulRate(m, k, n, gemmSeconds),
  }));

  options.log('bench profile: PyTorch, the same works under its profiler…');
  const torch = measureTorchProfile({ quick });
  const torchNote = 'unavailable' in torch ? torch.unavailable : '';
  const theirs = (key: WorkKey): WorkProfile | undefined => {
    if ('unavailable' in torch || !torch.works[key]) return undefined;
    const work = torch.works[key];
    return { samples: work.samples, wallSeconds: work.wall_s, kernels: work.ops };
  };
  if (!('unavailable' in torch)) {
    for (const row of gemm)
      row.theirs = torch.gemm.find(
        (peer) => peer.m === row.m && peer.k === row.k && peer.n === row.n,
      )?.gmacs;
  }
  const rows = PROFILED_WORKS.map((entry) => profileRow(entry, ours[entry.key], theirs(entry.key)));
  const markdown = speedProfileMarkdown(rows, gemm, {
    ...options,
    torch: 'unavailable' in torch ? undefined : torch,
    torchNote,
    loadAverages: [loadAtStart, os.loadavg()],
    startedAt,
  });
  writeFileAtomic(path.join(options.outDir, 'speed-profile.md'), markdown);
  return { rows, gemm, markdown };
}

const microseconds = (seconds: number, samples: number) => ((seconds / samples) * 1e6).toFixed(2);
const times = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)}×`);

function topKernels(profile: WorkProfile, count: number): string {
  return Object.entries(profile.kernels)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([kernel, seconds]) => `${kernel} ${microseconds(seconds, profile.samples)}`)
    .join(', ');
}

function workSection(row: ProfileRow): string[] {
  const ours = timeByCategory(row.ours);
  const theirs = row.theirs ? timeByCategory(row.theirs) : undefined;
  const line = (label: string, our: number, their: number | undefined) =>
    `| ${label} | ${microseconds(our, row.ours.samples)} | ` +
    `${their === undefined || !row.theirs ? 'n/a' : microseconds(their, row.theirs.samples)} | ` +
    `${their === undefined || !row.theirs || their === 0 ? '–' : (our / row.ours.samples / (their / row.theirs.samples)).toFixed(2)} |`;
  const lines = [
    `## ${row.work} (target: ≥ ${row.target.toFixed(1)}× PyTorch's speed)`,
    '',
    `${row.ours.samples} samples on our side${row.theirs ? `, ${row.theirs.samples} on PyTorch's` : ''}.`,
    '',
    '| time per sample (µs) | ours | PyTorch 1 thread | ours ÷ PyTorch (time) |',
    '|---|---:|---:|---:|',
    ...TIME_CATEGORIES.map((category) => line(category, ours[category], theirs?.[category])),
    line('**total (wall, without the profiler)**', row.ours.wallSeconds, row.theirs?.wallSeconds),
    '',
    `- Largest kernels, ours (µs per sample): ${topKernels(row.ours, 6)}.`,
  ];
  if (row.theirs && row.ratio !== undefined) {
    const bound = (what: string, value: number | undefined) =>
      value === undefined || !Number.isFinite(value)
        ? `- ${what}: n/a (no matrix multiply or convolution time measured).`
        : `- ${what}: ${times(value)}, which ${
            value >= row.target
              ? `reaches the target of ${row.target.toFixed(1)}×`
              : `is **below the target of ${row.target.toFixed(1)}×**`
          }.`;
    lines.push(
      `- Largest ops, PyTorch (own time, µs per sample): ${topKernels(row.theirs, 6)}.`,
      `- Speed, ours ÷ PyTorch, in this run: **${times(row.ratio)}**.`,
      bound(
        'If every cost of ours but matrix multiply and convolution took no time',
        row.ceilingRatio,
      ),
      bound(
        "If our matrix multiply and convolution took PyTorch's time and the rest stayed as it is",
        row.atTheirLinearAlgebra,
      ),
    );
  }
  lines.push('');
  return lines;
}

/** The Markdown of a profile run: the matrix-multiply table, then one section per work. */
export function speedProfileMarkdown(
  rows: ProfileRow[],
  gemm: GemmRow[],
  options: {
    commandLine: string;
    backend: string;
    quick: boolean;
    /** Our batch size; bench/torch_profile.py always uses 128. */
    batchSize: number;
    torch?: TorchProfile;
    torchNote: string;
    loadAverages: [number[], number[]];
    startedAt: Date;
  },
): string {
  const load = (averages: number[]) => averages.map((value) => value.toFixed(2)).join(' / ');
  return [
    "# Where the time goes: ours beside PyTorch's, kernel by kernel",
    '',
    `Command: \`${options.commandLine}\` · seed 1 (models and PyTorch's inputs) · batch ${options.batchSize}` +
      (options.batchSize === 128 ? '' : " (PyTorch's side: 128)") +
      ` · Adam · backend ${options.backend}` +
      (options.quick ? ' · **--quick: a smoke run whose numbers are not comparable**' : ''),
    `Machine: ${describeMachine()} · started ${options.startedAt.toISOString()}`,
    `Load average (1 / 5 / 15 min): ${load(options.loadAverages[0])} at the start, ${load(options.loadAverages[1])} at the end.`,
    options.torch
      ? `PyTorch ${options.torch.torch} (Debian python3-torch), ${options.torch.threads} thread, BLAS ${options.torch.blas}.`
      : `PyTorch: not measured (${options.torchNote}); install Debian's python3-torch to fill its columns.`,
    '',
    'How: each work runs once to warm up, once timed without a profiler (the totals), and once under ' +
      "a profiler: `tf.profile` on our side (each kernel's own time), `torch.autograd.profiler` on " +
      "PyTorch's (each op's self time, without the ops it calls), in bench/torch_profile.py. The works " +
      'are those of `speed-vs-pytorch.md` with fewer samples: training one epoch with Adam (ours ' +
      "through `trainModel` from the data set's bytes, PyTorch's on random tensors), inference over " +
      'pre-made batches with each output read back. "outside kernels" is the wall time the kernels ' +
      "do not account for: tfjs's engine and our JS between kernels, or PyTorch's Python and " +
      'dispatch (0 where the profiled kernels add up to more than the wall time). PyTorch may do ' +
      'part of a convolution through its matrix multiply, so the two categories are read together ' +
      'in the bounds below. One run each: the proportions are the point, the speed figures are ' +
      '`speed-vs-pytorch.md`.',
    '',
    "## Matrix multiply alone (the MLP's first layer: forward, input gradient, weight gradient)",
    '',
    '| product (m×k · k×n) | ours, GMAC/s | PyTorch 1 thread, GMAC/s | ours ÷ PyTorch |',
    '|---|---:|---:|---:|',
    ...gemm.map(
      (row) =>
        `| ${row.m}×${row.k} · ${row.k}×${row.n} | ${row.ours.toFixed(1)} | ` +
        `${row.theirs === undefined ? 'n/a' : row.theirs.toFixed(1)} | ` +
        `${row.theirs === undefined ? 'n/a' : (row.ours / row.theirs).toFixed(2)} |`,
    ),
    '',
    ...rows.flatMap(workSection),
  ].join('\n');
}
