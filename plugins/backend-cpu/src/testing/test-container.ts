import type { NeuSemSlicePlugin } from '@neusemslice/core';

/** The container type plugins register on (tsyringe's DependencyContainer). */
export type PluginContainer = Parameters<NeuSemSlicePlugin['register']>[0];

/**
 * Just enough of a tsyringe container for `provide`, `listComponents` and `resolveBackend`, so
 * backend plugins can be tested without depending on tsyringe.
 */
export function makeTestContainer(): PluginContainer {
  const registrations = new Map<unknown, unknown[]>();
  const container = {
    register(token: unknown, provider: { useValue: unknown }) {
      registrations.set(token, [...(registrations.get(token) ?? []), provider.useValue]);
      return container;
    },
    isRegistered: (token: unknown) => registrations.has(token),
    resolveAll: (token: unknown) => registrations.get(token) ?? [],
  };
  return container as unknown as PluginContainer;
}
