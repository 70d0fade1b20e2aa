import { createTestContainer } from '@neusemslice/core/testing';
import { listComponents, resolveComponent } from '@neusemslice/core';
import plugin, { EnsMetric } from './index';

describe('the @neusemslice/metric-ens plugin', () => {
  it('registers the ens metric, found by name, and refuses to register it twice', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/metric-ens');
    expect(listComponents(container, 'metric').map((metric) => metric.name)).toEqual(['ens']);
    expect(resolveComponent(container, 'metric', 'ens')).toBeInstanceOf(EnsMetric);
    expect(() => plugin.register(container)).toThrow(
      "metric 'ens' is already registered by @neusemslice/metric-ens",
    );
  });
});
