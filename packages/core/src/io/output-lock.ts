import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';

/** A held lock on an output path; release it when the output is written (or the work failed). */
export interface OutputLock {
  /** The lock file, a hidden sibling of the output. */
  readonly lockPath: string;
  release(): void;
}

/** Locks this process holds, with how many holders each has (the lock is re-entrant). */
const heldLocks = new Map<string, number>();

/** The lock file of an output: `.<name>.lock` beside it. */
export function outputLockPath(output: string): string {
  const target = path.resolve(output);
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid written in a lock file, or undefined when it holds none (a crash while creating it). */
function lockOwner(lockPath: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function createLockFile(lockPath: string): boolean {
  let descriptor: number;
  try {
    // O_EXCL: of two processes creating the lock at once, exactly one succeeds.
    descriptor = fs.openSync(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UsageError(
      `cannot create the lock file ${lockPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    fs.writeSync(descriptor, `${process.pid}\n`);
  } finally {
    fs.closeSync(descriptor);
  }
  return true;
}

/**
 * Takes the lock of an output path so that two writers never write one output at once. The
 * lock is a file created with O_EXCL holding the writer's pid; a lock whose process is gone is
 * stale and taken over. A lock held by a live process gives a UsageError naming it. Locks are
 * re-entrant within one process (a command may hold the lock while a library call takes it too).
 */
export function acquireOutputLock(output: string): OutputLock {
  const lockPath = outputLockPath(output);
  const held = heldLocks.get(lockPath);
  if (held !== undefined) {
    heldLocks.set(lockPath, held + 1);
    return releasable(lockPath);
  }
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createLockFile(lockPath)) {
      heldLocks.set(lockPath, 1);
      return releasable(lockPath);
    }
    const owner = lockOwner(lockPath);
    if (owner !== undefined && owner !== process.pid && isProcessAlive(owner)) {
      throw new UsageError(
        `${output} is being written by process ${owner} (lock ${lockPath}); wait for it to finish, or delete the lock if that process is not ours`,
      );
    }
    // Stale: its writer died (or is this very process, which holds no record of it).
    fs.rmSync(lockPath, { force: true });
  }
  throw new UsageError(
    `cannot take the lock ${lockPath} of ${output}: other writers keep taking it`,
  );
}

function releasable(lockPath: string): OutputLock {
  let released = false;
  return {
    lockPath,
    release() {
      if (released) return;
      released = true;
      const count = (heldLocks.get(lockPath) ?? 1) - 1;
      if (count > 0) {
        heldLocks.set(lockPath, count);
        return;
      }
      heldLocks.delete(lockPath);
      fs.rmSync(lockPath, { force: true });
    },
  };
}

/** True when a live process other than this one holds the lock of `output`. */
export function isOutputLockedByOther(output: string): boolean {
  const lockPath = outputLockPath(output);
  if (heldLocks.has(lockPath) || !fs.existsSync(lockPath)) return false;
  const owner = lockOwner(lockPath);
  return owner !== undefined && owner !== process.pid && isProcessAlive(owner);
}
