// The repository's examples/custom-metric plugin, built once (when its dist/ is missing or older
// than its sources), so tests load it the way a user's `--plugin` would.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const EXAMPLE_PLUGIN_DIR = path.join(REPO_ROOT, 'examples', 'custom-metric');

function newestModification(directory: string): number {
  return Math.max(
    ...fs
      .readdirSync(directory)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
      .map((name) => fs.statSync(path.join(directory, name)).mtimeMs),
  );
}

/** Builds examples/custom-metric with tsc unless its dist/ is up to date. */
export function ensureExamplePluginBuilt(): void {
  const entry = path.join(EXAMPLE_PLUGIN_DIR, 'dist', 'index.js');
  const sources = path.join(EXAMPLE_PLUGIN_DIR, 'src');
  if (fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= newestModification(sources)) return;
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      path.join(EXAMPLE_PLUGIN_DIR, 'tsconfig.build.json'),
    ],
    { stdio: 'pipe' },
  );
}
