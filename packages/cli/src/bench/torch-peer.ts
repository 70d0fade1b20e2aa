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

const PYTHON = '/usr/bin/python3';

/**
 * Runs the same two models in Debian's PyTorch on the CPU (one thread, OpenBLAS single-threaded,
 * as a tuned user setup would be), or returns a reason why it cannot.
 */
export function measureTorchThroughput(
  options: { quick?: boolean } = {},
): TorchThroughput | { unavailable: string } {
  const script = path.join(__dirname, '..', '..', 'bench', 'torch_train.py');
  const result = spawnSync(PYTHON, [script, '1', ...(options.quick ? ['--quick'] : [])], {
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
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as TorchThroughput;
}
