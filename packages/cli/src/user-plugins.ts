// Loads the user's own plugins (`--plugin <package or path>`, or the config file's `plugins`):
// finds the module, loads it (CommonJS or ES module) and checks that it is a plugin.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type NeuSemSlicePlugin, UsageError } from '@neusemslice/core';

/** Where a plugin was named, for error messages: `--plugin` or the config file. */
export type PluginOrigin = string;

/** A plugin given by the user, with where it came from. */
export interface UserPluginRequest {
  /** As typed: a package name (`my-metric`, `@me/metric`) or a path (`./plugins/metric`). */
  specifier: string;
  /** Directory relative paths and package names are resolved from. */
  baseDirectory: string;
  /** E.g. `--plugin`, or `neusemslice.config.json`. */
  origin: PluginOrigin;
}

/** A path rather than a package name: starts with `.` or `/`, or is absolute on this system. */
function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/') || path.isAbsolute(specifier);
}

interface PackageManifest {
  main?: string;
  type?: string;
  exports?: unknown;
}

function readManifest(directory: string): PackageManifest | undefined {
  const manifestPath = path.join(directory, 'package.json');
  if (!fs.existsSync(manifestPath)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as PackageManifest;
  } catch (error) {
    throw new UsageError(`${manifestPath} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The file an `exports` entry for "." names (require, then default, then import conditions). */
function exportsEntry(exportsField: unknown): string | undefined {
  if (typeof exportsField === 'string') return exportsField;
  if (!exportsField || typeof exportsField !== 'object') return undefined;
  const record = exportsField as Record<string, unknown>;
  const root = '.' in record ? record['.'] : record;
  if (typeof root === 'string') return root;
  if (!root || typeof root !== 'object') return undefined;
  for (const condition of ['require', 'node', 'default', 'import']) {
    const entry = exportsEntry((root as Record<string, unknown>)[condition]);
    if (entry) return entry;
  }
  return undefined;
}

/** The module file of a plugin folder: its package.json entry, else index.js. */
function folderEntry(request: UserPluginRequest, directory: string): string {
  const manifest = readManifest(directory);
  const entry = (manifest && (exportsEntry(manifest.exports) ?? manifest.main)) ?? 'index.js';
  const entryPath = path.resolve(directory, entry);
  if (!fs.existsSync(entryPath)) {
    throw new UsageError(
      `${request.origin} ${request.specifier}: its entry ${entry} does not exist (build the plugin first, e.g. 'npm run build' in ${directory})`,
    );
  }
  return entryPath;
}

/** The absolute path of the plugin's module file, or a UsageError saying what is missing. */
export function resolvePluginPath(request: UserPluginRequest): string {
  const { specifier, baseDirectory, origin } = request;
  if (specifier.trim() === '') throw new UsageError(`${origin}: needs a package name or a path`);
  if (isPathSpecifier(specifier)) {
    const resolved = path.resolve(baseDirectory, specifier);
    if (!fs.existsSync(resolved)) {
      throw new UsageError(
        `${origin} ${specifier}: no such file or directory (looked at ${resolved})`,
      );
    }
    return fs.statSync(resolved).isDirectory() ? folderEntry(request, resolved) : resolved;
  }
  try {
    return require.resolve(specifier, { paths: [baseDirectory, __dirname] });
  } catch {
    throw new UsageError(
      `${origin} ${specifier}: cannot find package '${specifier}' from ${baseDirectory} (install it, e.g. 'npm install ${specifier}', or give a path such as ./my-plugin)`,
    );
  }
}

/** Whether Node loads this file as an ES module. */
function isEsModule(filePath: string): boolean {
  if (filePath.endsWith('.mjs')) return true;
  if (filePath.endsWith('.cjs') || !filePath.endsWith('.js')) return false;
  for (let directory = path.dirname(filePath); ; directory = path.dirname(directory)) {
    const manifest = readManifest(directory);
    if (manifest) return manifest.type === 'module';
    if (path.dirname(directory) === directory) return false;
  }
}

/**
 * A real dynamic `import()`: TypeScript compiles `import()` to `require()` in CommonJS output,
 * which cannot load an ES module.
 */
const importEsModule = new Function('url', 'return import(url)') as (
  url: string,
) => Promise<unknown>;

/** Loads a module file: `require` for CommonJS (and TypeScript under jest), `import` for ESM. */
export async function loadModuleFile(filePath: string): Promise<unknown> {
  if (isEsModule(filePath)) return importEsModule(pathToFileURL(filePath).href);
  // The module's own `require` (not createRequire): under jest it is jest's, which maps the
  // workspace packages to their sources, so a plugin shares the one core the CLI uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(filePath) as unknown;
}

function isPlugin(value: unknown): value is NeuSemSlicePlugin {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as NeuSemSlicePlugin).name === 'string' &&
    typeof (value as NeuSemSlicePlugin).register === 'function'
  );
}

/**
 * The plugin a loaded module holds: its default export, `module.exports.default` (CommonJS built
 * from TypeScript, also when imported from ESM), or the module itself.
 */
export function pluginFromModule(loaded: unknown, request: UserPluginRequest): NeuSemSlicePlugin {
  const candidates: unknown[] = [];
  let current = loaded;
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth++) {
    candidates.push(current);
    current = (current as { default?: unknown }).default;
  }
  const plugin = candidates.reverse().find(isPlugin);
  if (plugin) return plugin;
  const shape =
    loaded && typeof loaded === 'object'
      ? `an object with keys ${Object.keys(loaded).join(', ') || '(none)'}`
      : typeof loaded;
  throw new UsageError(
    `${request.origin} ${request.specifier}: not a NeuSemSlice plugin (expected a default export { name, register(container) }, got ${shape})`,
  );
}

/** A user plugin and the module file it came from (worker threads load that file too). */
export interface LoadedUserPlugin {
  plugin: NeuSemSlicePlugin;
  modulePath: string;
}

/** Resolves, loads and checks one user plugin. */
export async function loadUserPlugin(request: UserPluginRequest): Promise<LoadedUserPlugin> {
  const filePath = resolvePluginPath(request);
  let loaded: unknown;
  try {
    loaded = await loadModuleFile(filePath);
  } catch (error) {
    throw new UsageError(
      `${request.origin} ${request.specifier}: loading ${filePath} failed: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}`,
    );
  }
  return { plugin: pluginFromModule(loaded, request), modulePath: filePath };
}
