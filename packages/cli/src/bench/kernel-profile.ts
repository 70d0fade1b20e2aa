import * as tf from '@tensorflow/tfjs';
import { secondsSince } from './elapsed';

/** Where a work's time goes: wall time without the profiler, and seconds per kernel under it. */
export interface WorkProfile {
  samples: number;
  /** Seconds of one run without the profiler (the profiler adds its own bookkeeping). */
  wallSeconds: number;
  /** Seconds per kernel (ours) or per op's own time (PyTorch's), from one profiled run. */
  kernels: Record<string, number>;
}

/** What tfjs appends to an op's name (tfjs-core's OP_SCOPE_SUFFIX, not exported). */
const OP_SCOPE_SUFFIX = '__op';

export const TIME_CATEGORIES = [
  'matrix multiply',
  'convolution',
  'pooling',
  'other kernels',
  'outside kernels',
] as const;
export type TimeCategory = (typeof TIME_CATEGORIES)[number];

const OUR_KERNELS: Record<string, TimeCategory> = {
  MatMul: 'matrix multiply',
  BatchMatMul: 'matrix multiply',
  _FusedMatMul: 'matrix multiply',
  Conv2D: 'convolution',
  FusedConv2D: 'convolution',
  Conv2DBackpropInput: 'convolution',
  Conv2DBackpropFilter: 'convolution',
  DepthwiseConv2dNative: 'convolution',
  FusedDepthwiseConv2D: 'convolution',
  MaxPool: 'pooling',
  MaxPoolGrad: 'pooling',
  AvgPool: 'pooling',
  AvgPoolGrad: 'pooling',
};
const TORCH_MATRIX_MULTIPLY = new Set(['aten::mm', 'aten::addmm', 'aten::bmm', 'aten::matmul']);

/** The category of a tfjs kernel name or a PyTorch op name (`aten::…`). */
export function categoryOf(kernel: string): TimeCategory {
  if (kernel in OUR_KERNELS) return OUR_KERNELS[kernel];
  if (TORCH_MATRIX_MULTIPLY.has(kernel)) return 'matrix multiply';
  if (kernel.startsWith('aten::') && kernel.includes('conv')) return 'convolution';
  if (kernel.startsWith('aten::') && kernel.includes('pool')) return 'pooling';
  return 'other kernels';
}

/**
 * Seconds per category. "outside kernels" is the wall time the kernels do not account for: the
 * framework's own work between them (tfjs's engine and our JS, or PyTorch's Python and dispatch).
 * It is 0 when the profiled kernels add up to more than the wall time (profiler overhead).
 */
export function timeByCategory(profile: WorkProfile): Record<TimeCategory, number> {
  const seconds = Object.fromEntries(TIME_CATEGORIES.map((category) => [category, 0])) as Record<
    TimeCategory,
    number
  >;
  let inKernels = 0;
  for (const [kernel, kernelSeconds] of Object.entries(profile.kernels)) {
    seconds[categoryOf(kernel)] += kernelSeconds;
    inKernels += kernelSeconds;
  }
  seconds['outside kernels'] = Math.max(0, profile.wallSeconds - inKernels);
  return seconds;
}

/**
 * Profiles `run` on the active backend: one warm-up run, one timed run without the profiler,
 * then one under `tf.profile`, whose kernel times are summed per kernel name.
 */
export async function profileOurWork(
  samples: number,
  run: () => Promise<void> | void,
): Promise<WorkProfile> {
  await run();
  const startedAt = process.hrtime.bigint();
  await run();
  const wallSeconds = secondsSince(startedAt);
  const info = await tf.profile(async () => {
    await run();
  });
  const kernels: Record<string, number> = {};
  for (const kernel of info.kernels) {
    // An op with a custom gradient (`fusedMatMul__op`) is recorded around the kernels it runs,
    // which are recorded too: counting it would count their time twice.
    if (kernel.name.endsWith(OP_SCOPE_SUFFIX)) continue;
    kernels[kernel.name] = (kernels[kernel.name] ?? 0) + (kernel.kernelTimeMs as number) / 1000;
  }
  return { samples, wallSeconds, kernels };
}

/**
 * Billions of multiply-accumulates per second of an m×k by k×n product on the active backend,
 * each product read back (so asynchronous backends are timed to completion).
 */
export function matMulRate(m: number, k: number, n: number, seconds: number): number {
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  try {
    // A block, not an expression: tidy would walk a returned Float32Array element by element.
    const multiply = () => {
      const product = tf.matMul(a, b);
      product.dataSync();
      product.dispose();
    };
    multiply();
    let calls = 0;
    const startedAt = process.hrtime.bigint();
    while (secondsSince(startedAt) < seconds) {
      multiply();
      calls++;
    }
    return (calls * m * k * n) / secondsSince(startedAt) / 1e9;
  } finally {
    tf.dispose([a, b]);
  }
}
