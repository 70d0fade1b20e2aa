#!/usr/bin/env node
// Runs after `tsc` in every publishable package's `build` script:
// 1. removes outputs in dist/ whose source file is gone (a renamed or moved module would
//    otherwise ship forever, since tsc never deletes), without emptying dist/ first, so that
//    packages type-checking against this one never see it missing;
// 2. writes the ES-module wrappers (see esm-wrappers.mjs).
// Usage: node ../../tooling/packaging/finish-build.mjs [packageDir]   (default: the working directory)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeEsmWrappers } from './esm-wrappers.mjs';

const OUTPUT_EXTENSIONS = ['.js.map', '.d.mts', '.d.ts', '.mjs', '.js'];

/** Outputs in `dist/` with no `src/<same path>.ts`; removes them unless `dryRun`. Returns them. */
export function pruneStaleOutputs(packageDir, { dryRun = false } = {}) {
  const distDir = path.join(packageDir, 'dist');
  if (!fs.existsSync(distDir)) return [];
  const stale = [];
  for (const entry of fs.readdirSync(distDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const extension = OUTPUT_EXTENSIONS.find((ext) => entry.name.endsWith(ext));
    if (!extension) continue;
    const relative = path.relative(distDir, file).slice(0, -extension.length);
    if (!fs.existsSync(path.join(packageDir, 'src', `${relative}.ts`))) stale.push(file);
  }
  if (!dryRun) for (const file of stale) fs.rmSync(file);
  return stale;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const packageDir = path.resolve(process.argv[2] ?? '.');
  pruneStaleOutputs(packageDir);
  writeEsmWrappers(packageDir);
}
