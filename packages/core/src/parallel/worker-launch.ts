import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * What a pooled worker needs to start: the plugins to register and the backend to activate. The
 * model, the metric, the task and the samples come later, per run, as messages.
 */
export interface WorkerBoot {
  /** Absolute paths (or specifiers resolvable from the working directory) of plugin modules. */
  plugins: readonly string[];
  /** Backend to activate, e.g. `wasm` (the main thread's `tf.getBackend()`). */
  backend: string;
  /** The main thread's tfjs IS_TEST flag (it silences the cpu backend's banner in tests). */
  isTest: boolean;
}

/** True when this file runs from TypeScript sources (jest, tsx) instead of the built dist/. */
const SOURCE_MODE = path.extname(__filename) === '.ts';
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** `@neusemslice/<pkg>` → its src/index.ts, as jest maps it, for workers run from sources. */
function workspaceSourceMap(): Record<string, string> {
  const map: Record<string, string> = {};
  for (const group of ['packages', 'plugins']) {
    const groupDir = path.join(REPO_ROOT, group);
    if (!fs.existsSync(groupDir)) continue;
    for (const dir of fs.readdirSync(groupDir)) {
      const manifest = path.join(groupDir, dir, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name: string };
      map[name] = path.join(groupDir, dir, 'src', 'index.ts');
      map[`${name}/testing`] = path.join(groupDir, dir, 'src', 'testing', 'index.ts');
    }
  }
  return map;
}

function tryResolve(specifier: string, from: (string | undefined)[]): string | undefined {
  for (const directory of from) {
    if (!directory) continue;
    try {
      return require.resolve(specifier, { paths: [directory] });
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/**
 * The Reflect polyfill tsyringe needs in every thread (the CLI entry and jest load it in the main
 * thread only); found next to the program that runs, or in the repo's tooling when from sources.
 */
function reflectPolyfillPath(): string | undefined {
  const mainDir = require.main?.filename ? path.dirname(require.main.filename) : undefined;
  return tryResolve('reflect-metadata', [
    mainDir,
    process.cwd(),
    SOURCE_MODE ? path.join(REPO_ROOT, 'tooling') : undefined,
  ]);
}

/**
 * Bootstrap run by each worker before its entry: its stdout sent to stderr, the Reflect polyfill,
 * and when running from sources a TypeScript loader (swc, as jest uses) with workspace packages
 * mapped to sources.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
process.stdout.write = process.stderr.write.bind(process.stderr);
const launch = workerData.launch;
if (launch.reflectPolyfill && !(globalThis.Reflect && Reflect.getMetadata)) require(launch.reflectPolyfill);
if (launch.swc) {
  const fs = require('node:fs');
  const Module = require('node:module');
  const swc = require(launch.swc);
  Module._extensions['.ts'] = function (module, filename) {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, launch.sources[request] ?? request, ...rest);
  };
}
require(launch.entry);
`;

/** Starts one worker thread that will run `worker-main` with `boot`, then wait for messages. */
export function launchWorker(boot: WorkerBoot): Worker {
  const launch = {
    entry: path.join(__dirname, `worker-main${path.extname(__filename)}`),
    reflectPolyfill: reflectPolyfillPath(),
    swc: SOURCE_MODE ? tryResolve('@swc/core', [REPO_ROOT, process.cwd()]) : undefined,
    sources: SOURCE_MODE ? workspaceSourceMap() : {},
  };
  // The bootstrap sends the worker's stdout to stderr (stdout is for `--json` results). Not by
  // piping `worker.stdout` here: that pipe would keep the process alive after `unref()`.
  return new Worker(BOOTSTRAP, { eval: true, workerData: { launch, boot } });
}
