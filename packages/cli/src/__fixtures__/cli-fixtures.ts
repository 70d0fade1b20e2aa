// Test helpers shared by the CLI's command tests: a captured-io runner, temporary directories,
// and a tiny trained MNIST model with its slice, made with the CLI itself.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type CliRun, runInProcess } from '../hardening/cli-harness';

export type { CliRun };

/** Runs the CLI in-process with stdout and stderr captured. */
export const run: (argv: string[]) => Promise<CliRun> = runInProcess;

/**
 * Turns off tfjs's per-kernel leak check (IS_TEST): it misreports a leak for fused matmul with
 * bias while gradients are recorded; training in these tests is checked end to end instead.
 */
export function allowTrainingInTests(): void {
  tf.env().set('IS_TEST', false);
}

/** A fresh temporary directory, removed after the tests of the enclosing `describe`. */
export function temporaryDirectory(prefix: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** Runs the CLI and throws its stderr when it fails. */
async function runOrThrow(argv: string[]): Promise<void> {
  const result = await run(argv);
  if (result.code !== 0) throw new Error(result.stderr);
}

/** `train`s the MLP for one epoch on 1000 MNIST samples; `extra` options go after the data set. */
export async function trainTinyModel(
  modelDir: string,
  common: string[],
  extra: string[] = [],
): Promise<void> {
  await runOrThrow([
    'train',
    '--model',
    'mlp',
    '--dataset',
    'mnist',
    ...extra,
    '--epochs',
    '1',
    '--train-samples',
    '1000',
    '--out',
    modelDir,
    ...common,
  ]);
}

/** That model and an `avg` slice of it at Θ = 0.9 on `perClass` samples per class. */
export async function trainTinyModelAndSlice(
  modelDir: string,
  sliceFile: string,
  common: string[],
  perClass = '20',
): Promise<void> {
  await trainTinyModel(modelDir, common);
  await runOrThrow([
    'slice',
    '--model',
    modelDir,
    '--metric',
    'avg',
    '--theta',
    '0.9',
    '--per-class',
    perClass,
    '--out',
    sliceFile,
    ...common,
  ]);
}

/** The paths and runtime options of a test file that works on `trainTinyModelAndSlice`'s output. */
export interface TinyModelFixture {
  directory: string;
  modelDir: string;
  sliceFile: string;
  /** `--backend wasm --seed <seed>`, given to every command. */
  common: string[];
}

/**
 * A temporary directory with `mlp/` and `slice.json` made once before the tests of the
 * enclosing `describe` (by `trainTinyModelAndSlice` with `--seed seed`), removed after them.
 */
export function tinyModelAndSlice(
  prefix: string,
  seed: number,
  { perClass = '20', timeout = 120_000 }: { perClass?: string; timeout?: number } = {},
): TinyModelFixture {
  const directory = temporaryDirectory(prefix);
  const fixture = {
    directory,
    modelDir: path.join(directory, 'mlp'),
    sliceFile: path.join(directory, 'slice.json'),
    common: ['--backend', 'wasm', '--seed', String(seed)],
  };
  beforeAll(
    () => trainTinyModelAndSlice(fixture.modelDir, fixture.sliceFile, fixture.common, perClass),
    timeout,
  );
  return fixture;
}
