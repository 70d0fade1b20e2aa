import * as path from 'node:path';
import { container } from 'tsyringe';
import { listComponents, type NeuSemSlicePlugin, registerPlugins } from '../plugin';

/** True when registering `plugin` alone provides a backend or a metric (what workers need). */
function providesBackendOrMetric(plugin: NeuSemSlicePlugin): boolean {
  try {
    const scratch = registerPlugins(container.createChildContainer(), [plugin]);
    return (
      listComponents(scratch, 'backend').length > 0 || listComponents(scratch, 'metric').length > 0
    );
  } catch {
    return false;
  }
}

/**
 * The plugin modules loaded in this process through `require` that provide a backend or a
 * metric: every cached module whose default export is `{ name, register }`. Workers register the
 * same ones, so a user's metric that was loaded with `require` works there too. ES modules and
 * bundlers leave no such trace: pass their paths as `workerPlugins` instead.
 */
export function discoverPluginModules(): string[] {
  const cache = (typeof require === 'function' ? require.cache : undefined) ?? {};
  const found: string[] = [];
  for (const [file, cached] of Object.entries(cache)) {
    const exported = (cached?.exports as { default?: unknown } | undefined)?.default as
      { name?: unknown; register?: unknown } | undefined;
    if (
      exported &&
      typeof exported.name === 'string' &&
      typeof exported.register === 'function' &&
      path.isAbsolute(file) &&
      providesBackendOrMetric(exported as NeuSemSlicePlugin)
    ) {
      found.push(file);
    }
  }
  return found;
}

/** The plugin modules workers will register: `given`, else those `discoverPluginModules` finds. */
export function workerPluginModules(given: readonly string[] | undefined): string[] {
  return given ? [...given] : discoverPluginModules();
}
