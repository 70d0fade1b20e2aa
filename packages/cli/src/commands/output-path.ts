import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@neusemslice/core';
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
