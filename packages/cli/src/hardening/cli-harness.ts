// Test helpers: run the CLI in-process, and prove that a failed run left every file as it was.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createModel, saveModelToDir } from '@neusemslice/models';
import { runCli } from '../main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

/** Every file and folder under `root` (dot files included) with a digest of each file's bytes. */
export function snapshotTree(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (directory: string): void => {
    for (const name of fs.readdirSync(directory).sort()) {
      const fullPath = path.join(directory, name);
      const relative = path.relative(root, fullPath);
      const stats = fs.statSync(fullPath);
      if (stats.isDirectory()) {
        entries[`${relative}/`] = 'directory';
        walk(fullPath);
      } else {
        entries[relative] = createHash('sha256').update(fs.readFileSync(fullPath)).digest('hex');
      }
    }
  };
  walk(root);
  return entries;
}

/**
 * Runs the CLI and checks what every refusal must do: exit code 2, exactly one line on stderr
 * (which matches `message`), and no file under `root` created, removed or changed.
 */
export async function expectRefusal(
  root: string,
  argv: string[],
  message: string | RegExp,
): Promise<string> {
  const before = snapshotTree(root);
  const { code, stderr } = await runInProcess(argv);
  const lines = stderr.split('\n').filter((line) => line.length > 0);
  const pattern =
    typeof message === 'string'
      ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      : message;
  // Exactly one line on stderr, the error: no stack trace, no progress notes.
  expect({ code, lines }).toEqual({
    code: 2,
    lines: [expect.stringMatching(new RegExp(`^neusemslice \\w+: .*${pattern.source}`))],
  });
  expect(snapshotTree(root)).toEqual(before);
  return lines[0];
}

/**
 * Saves a very small MLP for MNIST-shaped inputs (784-16-8-10) with its metadata; `poison`
 * puts a NaN or infinity into the first hidden layer's kernel (the checksum still matches).
 */
export async function saveTinyModel(directory: string, poison?: number): Promise<void> {
  // The CLI's plugins register faster backends that are not started yet: use cpu here.
  await tf.setBackend('cpu');
  const model = createModel('mlp', {
    inputShape: [28, 28, 1],
    numClasses: 10,
    seed: 1,
    widthScale: 1 / 32,
  });
  if (poison !== undefined) {
    const weights = model.getWeights();
    const kernel = weights[0].bufferSync();
    kernel.values[5] = poison;
    const poisoned = kernel.toTensor();
    model.setWeights([poisoned, ...weights.slice(1)]);
    poisoned.dispose();
  }
  await saveModelToDir(model, directory, { modelName: 'mlp', dataset: 'mnist', seed: 1 });
  model.dispose();
}
