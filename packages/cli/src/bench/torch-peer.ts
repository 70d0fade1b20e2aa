import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface TorchThroughput {
  torch: string;
  threads: number;
  /** Training samples per second. */
  mlp: number;
  lenet5: number;
  /** Inference samples per second over the test set's size (present since the speed bench). */
  mlp_inference?: number;
  lenet5_inference?: number;
  /** The BLAS library PyTorch loaded (Debian's reference libblas is far slower than OpenBLAS). */
  blas?: string;
}

/** PyTorch's side of `bench profile` (bench/torch_profile.py). */
export interface TorchProfile {
  torch: string;
  threads: number;
  blas: string;
  /** Per work: samples, wall seconds without the profiler, self seconds per op under it. */
  works: Record<string, { samples: number; wall_s: number; ops: Record<string, number> }>;
  /** Billions of multiply-accumulates per second of an m×k by k×n product. */
  gemm: { m: number; k: number; n: number; gmacs: number }[];
}

const PYTHON = '/usr/bin/python3';

/**
 * Runs one of the peer scripts in bench/ in Debian's PyTorch on the CPU (one thread, OpenBLAS
 * single-threaded, as a tuned user setup would be) and parses the JSON object it prints last, or
 * returns a reason why it cannot.
 */
function runTorchPeer<T>(script: string, quick: boolean): T | { unavailable: string } {
  const scriptPath = path.join(__dirname, '..', '..', 'bench', script);
  const result = spawnSync(PYTHON, [scriptPath, '1', ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  });
  if (result.error) return { unavailable: `${PYTHON} not found` };
  if (result.status !== 0) {
    const reason = result.stderr.includes('No module named')
      ? 'python3-torch is not installed'
      : result.stderr.trim().split('\n').pop();
    return { unavailable: reason ?? `exit code ${result.status}` };
  }
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as T;
}

/** Training and inference samples per second of the same two models in PyTorch. */
export function measureTorchThroughput(
  options: { quick?: boolean } = {},
): TorchThroughput | { unavailable: string } {
  return runTorchPeer<TorchThroughput>('torch_train.py', options.quick === true);
}

/** PyTorch's time per op in the profiled works, and its matrix-multiply speed. */
export function measureTorchProfile(
  options: { quick?: boolean } = {},
): TorchProfile | { unavailable: string } {
  return runTorchPeer<TorchProfile>('torch_profile.py', options.quick === true);
}
