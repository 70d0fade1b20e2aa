import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, acquireOutputLock, isUsageError } from '@neusemslice/core';
import type { OptionSpec } from '../args';

/** The `--force` flag of every command that writes an output. */
export const forceOption: Record<'force', OptionSpec> = {
  force: {
    type: 'boolean',
    description: 'Replace an existing output of the same kind (never an input)',
  },
};

export interface OutputCheck {
  /** The option that names the output, for messages, e.g. `out`. */
  optionName: string;
  /** A single file (slice JSON, report) or a directory (saved model, results). */
  kind: 'file' | 'directory';
  /** Paths the command reads; the output may be none of them, nor inside an input directory. */
  inputs?: readonly (string | undefined)[];
  /** Replace an existing output of the same kind. */
  force?: boolean;
  /** A directory output that may already hold files of the same command (results, resumable runs). */
  mayExist?: boolean;
  /**
   * Says why an existing output is not the kind of thing this command writes (e.g. not a saved
   * model), or undefined when it is; such an output is never replaced, even with --force.
   */
  sameKind?: (absolutePath: string) => string | undefined;
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Checks an output path before any work is done, so a long run never fails at its end and never
 * overwrites what it reads: not one of the inputs (nor inside an input directory), of the right
 * kind when it exists, only replaced with --force, and its parent directory writable.
 * Returns the absolute path.
 */
export function checkOutputPath(value: string, check: OutputCheck): string {
  const flag = `--${check.optionName}`;
  const target = path.resolve(value);
  for (const input of check.inputs ?? []) {
    if (input === undefined) continue;
    const inputPath = path.resolve(input);
    if (target === inputPath || isInside(target, inputPath) || isInside(inputPath, target)) {
      throw new UsageError(
        `${flag} ${value} would overwrite the input ${input}; choose another output path`,
      );
    }
  }
  if (fs.existsSync(target)) {
    const stats = fs.statSync(target);
    const isDirectory = stats.isDirectory();
    if (check.kind === 'file' && isDirectory) {
      throw new UsageError(`${flag} ${value} is a directory; expected a file path`);
    }
    if (check.kind === 'directory' && !isDirectory) {
      throw new UsageError(`${flag} ${value} is a file; expected a directory`);
    }
    if (!check.force && !check.mayExist) {
      throw new UsageError(`${flag} ${value} already exists; pass --force to replace it`);
    }
    const otherKind = check.sameKind?.(target);
    if (otherKind !== undefined) {
      throw new UsageError(
        `${flag} ${value} exists and ${otherKind}; it is not replaced, choose another path`,
      );
    }
  }
  // The nearest existing ancestor must be a writable directory.
  let ancestor = path.dirname(target);
  while (!fs.existsSync(ancestor)) ancestor = path.dirname(ancestor);
  if (!fs.statSync(ancestor).isDirectory()) {
    throw new UsageError(`${flag} ${value}: ${ancestor} is not a directory`);
  }
  try {
    fs.accessSync(ancestor, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${value}: directory ${ancestor} is not writable`);
  }
  return target;
}

/** An output checked and locked for this run; release it when done (also on failure). */
export interface ClaimedOutput {
  /** The absolute path. */
  path: string;
  release(): void;
}

/**
 * Checks an output like `checkOutputPath`, then takes its lock (a hidden `.<name>.lock` beside
 * it), so that a second run writing the same output fails at once instead of both saying
 * "saved". Creating the lock also proves the parent directory writable (`/proc/x` fails here).
 */
export function claimOutputPath(value: string, check: OutputCheck): ClaimedOutput {
  const target = checkOutputPath(value, check);
  // Folders the lock makes for a new output; removed again if the run leaves them empty.
  const createdFolders: string[] = [];
  for (let folder = path.dirname(target); !fs.existsSync(folder); folder = path.dirname(folder))
    createdFolders.push(folder);
  try {
    const lock = acquireOutputLock(target);
    return {
      path: target,
      release: () => {
        lock.release();
        for (const folder of createdFolders) {
          try {
            fs.rmdirSync(folder); // only when empty: a failed run leaves no trace
          } catch {
            break;
          }
        }
      },
    };
  } catch (error) {
    if (isUsageError(error))
      throw new UsageError(`--${check.optionName} ${value}: ${error.message}`);
    throw error;
  }
}
