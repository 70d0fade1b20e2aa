#!/usr/bin/env node
// `pnpm neusemslice …` in a clone of the repository: runs the built CLI, and builds it (with its
// workspace dependencies, through turbo) only when a build is missing or older than a source
// file, so everyday calls start at once and a fresh clone still works with no extra step.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(cliDir, '..', '..');
const binPath = path.join(cliDir, 'dist', 'bin.js');
/** Written after each build this script runs; sources newer than it mean a rebuild. */
const stampPath = path.join(cliDir, 'node_modules', '.cache', 'neusemslice-workspace-build');

/** The newest modification time (ms) of the sources and build configs under `directory`. */
function newestSource(directory, newest = 0) {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const fullPath = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = newestSource(fullPath, newest);
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(fullPath).mtimeMs);
  }
  return newest;
}

/** Whether some workspace package's src/ (or tsconfig, package.json) changed since the stamp. */
function buildIsStale() {
  if (!fs.existsSync(binPath) || !fs.existsSync(stampPath)) return true;
  const builtAt = fs.statSync(stampPath).mtimeMs;
  for (const group of ['packages', 'plugins']) {
    const groupDir = path.join(repoRoot, group);
    if (!fs.existsSync(groupDir)) continue;
    for (const name of fs.readdirSync(groupDir)) {
      const packageDir = path.join(groupDir, name);
      const sourceDir = path.join(packageDir, 'src');
      if (!fs.existsSync(sourceDir)) continue;
      const configs = fs
        .readdirSync(packageDir)
        .filter((file) => file === 'package.json' || /^tsconfig.*\.json$/.test(file))
        .map((file) => fs.statSync(path.join(packageDir, file)).mtimeMs);
      if (Math.max(newestSource(sourceDir), ...configs) > builtAt) return true;
    }
  }
  return false;
}

if (buildIsStale()) {
  process.stderr.write('neusemslice: building the CLI and its packages (first run or sources changed)…\n');
  const build = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@neusemslice/cli...', '--output-logs=errors-only'],
    {
      cwd: repoRoot,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      // Quiet unless it fails: then turbo's output explains why.
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
    process.stderr.write(`neusemslice: the build failed${build.error ? ` (${build.error.message})` : ''}; fix it or run 'pnpm build'\n`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(stampPath), { recursive: true });
  fs.writeFileSync(stampPath, `${new Date().toISOString()}\n`);
}

// The built bin reads its arguments from process.argv.slice(2), which are this script's.
await import(pathToFileURL(binPath).href);
