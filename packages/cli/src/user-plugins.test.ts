import * as fs from 'node:fs';
import * as path from 'node:path';
import { isUsageError, loadSlice } from '@neusemslice/core';
import { temporaryDirectory } from './__fixtures__/cli-fixtures';
import {
  ensureExamplePluginBuilt,
  EXAMPLE_PLUGIN_DIR,
  REPO_ROOT,
} from './__fixtures__/example-plugin';
import { saveTinyModel } from './hardening/cli-harness';
import { type CliIo, runCli } from './main';
import { loadUserPlugin, pluginFromModule } from './user-plugins';

/** Runs the CLI in `cwd` with stdout and stderr captured. */
async function runIn(cwd: string, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('user plugins', () => {
  const directory = temporaryDirectory('cli-user-plugins-');
  const modelDir = path.join(directory, 'mlp');
  beforeAll(async () => {
    ensureExamplePluginBuilt();
    await saveTinyModel(modelDir);
  }, 120_000);

  it('slices with the metric of examples/custom-metric given by --plugin', async () => {
    const sliceFile = path.join(directory, 'max-activation.json');
    const { code, stdout, stderr } = await runIn(REPO_ROOT, [
      'slice',
      '--plugin',
      './examples/custom-metric',
      '--metric',
      'max-activation',
      '--model',
      modelDir,
      '--theta',
      '0.9',
      '--per-class',
      '5',
      '--out',
      sliceFile,
      '--backend',
      'wasm',
      '--json',
    ]);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toMatchObject({ command: 'slice' });
    const slice = loadSlice(sliceFile);
    expect(slice.metric).toBe('max-activation');
    expect(Object.values(slice.critical).some((neurons) => neurons.length > 0)).toBe(true);
  }, 120_000);

  it('takes plugins and option defaults from neusemslice.config.json, the command line winning', async () => {
    const project = path.join(directory, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, 'neusemslice.config.json'),
      JSON.stringify({
        plugins: [path.relative(project, EXAMPLE_PLUGIN_DIR)],
        defaults: { slice: { metric: 'max-activation', 'per-class': 5, theta: 0.5 } },
      }),
    );
    const sliceFile = path.join(project, 'slice.json');
    const { code, stderr } = await runIn(project, [
      'slice',
      '--model',
      modelDir,
      '--theta',
      '0.9',
      '--out',
      sliceFile,
      '--backend',
      'wasm',
    ]);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const slice = loadSlice(sliceFile);
    expect(slice.metric).toBe('max-activation');
    expect(slice.options).toMatchObject({ theta: 0.9, slicingData: { perClass: 5 } });
  }, 120_000);

  it('refuses config files and plugins it cannot use with one line each', async () => {
    const notAPlugin = path.join(directory, 'not-a-plugin.js');
    fs.writeFileSync(notAPlugin, 'module.exports = { metric: 42 };\n');
    const unbuilt = path.join(directory, 'unbuilt');
    fs.mkdirSync(unbuilt);
    fs.writeFileSync(path.join(unbuilt, 'package.json'), JSON.stringify({ main: 'dist/index.js' }));
    const base = ['info', '--model', modelDir];
    const cases: [string, string[], string][] = [
      [
        directory,
        [...base, '--plugin', './missing'],
        '--plugin ./missing: no such file or directory',
      ],
      [
        directory,
        [...base, '--plugin', 'neusemslice-no-such-plugin'],
        "cannot find package 'neusemslice-no-such-plugin'",
      ],
      [
        directory,
        [...base, '--plugin', './not-a-plugin.js'],
        'not a NeuSemSlice plugin (expected a default export { name, register(container) }, got an object with keys metric)',
      ],
      [directory, [...base, '--plugin', './unbuilt'], 'its entry dist/index.js does not exist'],
    ];
    for (const [cwd, argv, message] of cases) {
      const { code, stdout, stderr } = await runIn(cwd, [...argv, '--json']);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(message);
      expect(JSON.parse(stdout)).toEqual({
        command: 'info',
        error: { kind: 'usage', message: expect.stringContaining(message) },
      });
    }
  });

  it('reports a plugin that fails inside as unexpected (exit 1), still as one JSON object', async () => {
    fs.writeFileSync(
      path.join(directory, 'broken-plugin.js'),
      "module.exports = { name: 'broken', register() { throw new Error('broken on purpose'); } };\n",
    );
    const { code, stdout, stderr } = await runIn(directory, [
      'info',
      '--model',
      modelDir,
      '--plugin',
      './broken-plugin.js',
      '--json',
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('neusemslice info: unexpected error: Error: broken on purpose');
    expect(JSON.parse(stdout)).toEqual({
      command: 'info',
      error: { kind: 'unexpected', message: 'broken on purpose' },
    });
  });

  it.each([
    [{ plugins: 'x' }, 'plugins must be a list of package names or paths'],
    [{ defauts: {} }, "unknown key 'defauts' (expected plugins | defaults)"],
    [{ defaults: { info: { colour: 'red' } } }, "defaults.info.colour is not an option of 'info'"],
  ])('names the bad entry of a config file %j', async (config, message) => {
    const project = fs.mkdtempSync(path.join(directory, 'config-'));
    fs.writeFileSync(path.join(project, 'neusemslice.config.json'), JSON.stringify(config));
    const { code, stderr } = await runIn(project, ['info', '--model', modelDir]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`neusemslice info: neusemslice.config.json: ${message}`);
  });
});

describe('pluginFromModule', () => {
  const request = { specifier: 'my-plugin', baseDirectory: '.', origin: '--plugin' };
  const plugin = { name: 'mine', register: () => undefined };

  it.each([
    ['an ES default export', { default: plugin }],
    [
      'module.exports.default of CommonJS built from TypeScript',
      { __esModule: true, default: plugin },
    ],
    ['that CommonJS module imported from ESM', { default: { __esModule: true, default: plugin } }],
    ['module.exports itself', plugin],
  ])('finds the plugin in %s', (_shape, loaded) => {
    expect(pluginFromModule(loaded, request)).toBe(plugin);
  });

  it('refuses a module without one, naming what it got', async () => {
    expect(() => pluginFromModule(() => undefined, request)).toThrow(
      '--plugin my-plugin: not a NeuSemSlice plugin (expected a default export { name, register(container) }, got function)',
    );
    const failure = await loadUserPlugin({ ...request, specifier: '' }).catch((error) => error);
    expect(isUsageError(failure)).toBe(true);
  });
});
