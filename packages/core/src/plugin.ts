import type { DependencyContainer } from 'tsyringe';
import { type ComponentKind, type ComponentTypes, componentTokens } from './contracts/tokens';
import type { ComponentLookup } from './contracts/maintainer';
import { UsageError } from './errors';

/**
 * A plugin package's default export. `register` adds the plugin's components to a container,
 * through `provide`; it registers nothing else and has no other side effect.
 */
export interface NeuSemSlicePlugin {
  /** The package name, e.g. `@neusemslice/metric-taylor`. */
  readonly name: string;
  register(container: DependencyContainer): void;
}

/** Which plugin provided each component, per container, to name both sides of a clash. */
const providersByContainer = new WeakMap<DependencyContainer, Map<string, string>>();

/**
 * Registers one component (metric, slicer, …) on a container under its kind's token. Throws when
 * a component of the same kind and name is already registered, naming both plugins.
 */
export function provide<K extends ComponentKind>(
  container: DependencyContainer,
  kind: K,
  component: ComponentTypes[K],
  pluginName: string,
): void {
  let providers = providersByContainer.get(container);
  if (!providers) {
    providers = new Map();
    providersByContainer.set(container, providers);
  }
  const key = `${kind}:${component.name}`;
  const existing = providers.get(key);
  const alreadyThere =
    existing !== undefined ||
    listComponents(container, kind).some((c) => c.name === component.name);
  if (alreadyThere) {
    throw new UsageError(
      `${kind} '${component.name}' is already registered by ${existing ?? 'another provider'}; ` +
        `${pluginName} cannot register it again`,
    );
  }
  providers.set(key, pluginName);
  container.register(componentTokens[kind], { useValue: component });
}

/** Registers plugins in order on a container. */
export function registerPlugins(
  container: DependencyContainer,
  plugins: readonly NeuSemSlicePlugin[],
): DependencyContainer {
  for (const plugin of plugins) {
    if (!plugin || typeof plugin.register !== 'function' || typeof plugin.name !== 'string') {
      throw new UsageError(
        `not a NeuSemSlice plugin: expected a default export { name, register(container) }, got ${typeof plugin}`,
      );
    }
    plugin.register(container);
  }
  return container;
}

/** All components of a kind registered on a container (empty when none). */
export function listComponents<K extends ComponentKind>(
  container: DependencyContainer,
  kind: K,
): ComponentTypes[K][] {
  const token = componentTokens[kind];
  if (!container.isRegistered(token, true)) return [];
  return container.resolveAll(token) as ComponentTypes[K][];
}

/** The component of a kind with that name; the error lists the registered names. */
export function resolveComponent<K extends ComponentKind>(
  container: DependencyContainer,
  kind: K,
  name: string,
): ComponentTypes[K] {
  const components = listComponents(container, kind);
  const found = components.find((component) => component.name === name);
  if (!found) {
    const registered = components.map((component) => component.name).sort();
    throw new UsageError(
      `unknown ${kind} '${name}' (registered: ${registered.length > 0 ? registered.join(', ') : 'none; install and register a plugin'})`,
    );
  }
  return found;
}

/** A `ComponentLookup` over a container, for maintainers and studies that need collaborators. */
export function componentLookup(container: DependencyContainer): ComponentLookup {
  return (kind, name) => resolveComponent(container, kind, name);
}
