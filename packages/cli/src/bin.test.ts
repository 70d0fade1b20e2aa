// The CLI as a user runs it: a real Node process (the sources through tsx, the workspace packages
// from their builds), so ES-module config files and built plugins load the way they do outside jest.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSlice } from '@neusemslice/core';
import { temporaryDirectory } from './__fixtures__/cli-fixtures';
import { ensureExamplePluginBuilt, EXAMPLE_PLUGIN_DIR } from './__fixtures__/example-plugin';
import { saveTinyModel } from './hardening/cli-harness';
import { cliVersion } from './main';

const binSource = path.join(__dirname, 'bin.ts');

function runBin(
  argv: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), binSource, ...argv],
      { cwd },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the neusemslice process', () => {
  const directory = temporaryDirectory('cli-bin-');
  const modelDir = path.join(directory, 'mlp');
  beforeAll(async () => {
    ensureExamplePluginBuilt();
    await saveTinyModel(modelDir);
  }, 120_000);

  it('prints its version', async () => {
    const { code, stdout } = await runBin(['--version'], directory);
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: cliVersion() });
  }, 60_000);

  it('reads plugins and defaults from neusemslice.config.mjs and prints only JSON on stdout', async () => {
    const project = path.join(directory, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, 'neusemslice.config.mjs'),
      `export default ${JSON.stringify({
        plugins: [path.relative(project, EXAMPLE_PLUGIN_DIR)],
        defaults: { slice: { metric: 'max-activation', 'per-class': 3, theta: 0.9 } },
      })};\n`,
    );
    const sliceFile = path.join(project, 'slice.json');
    const { code, stdout, stderr } = await runBin(
      ['slice', '--model', modelDir, '--out', sliceFile, '--backend', 'wasm', '--json'],
      project,
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toMatchObject({ command: 'slice' });
    expect(loadSlice(sliceFile).metric).toBe('max-activation');
  }, 180_000);
});
