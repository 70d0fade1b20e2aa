import type { NeuSemSlicePlugin } from '@neusemslice/core';

type Container = Parameters<NeuSemSlicePlugin['register']>[0];

/** Just enough of a tsyringe container for `provide`, `listComponents` and `resolveComponent`. */
export function fakeContainer(): Container {
  const registrations = new Map<unknown, unknown[]>();
  const container = {
    register(token: unknown, provider: { useValue: unknown }) {
      registrations.set(token, [...(registrations.get(token) ?? []), provider.useValue]);
      return container;
    },
    isRegistered: (token: unknown) => registrations.has(token),
    resolveAll: (token: unknown) => registrations.get(token) ?? [],
  };
  return container as unknown as Container;
}
