import { createTestContainer } from '@neusemslice/core/testing';
import { listComponents, resolveComponent } from '@neusemslice/core';
import plugin, { TaylorMetric } from './index';

describe('the @neusemslice/metric-taylor plugin', () => {
  it('registers the taylor metric, found by name, and refuses to register it twice', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/metric-taylor');
    expect(listComponents(container, 'metric').map((metric) => metric.name)).toEqual(['taylor']);
    expect(resolveComponent(container, 'metric', 'taylor')).toBeInstanceOf(TaylorMetric);
    expect(() => plugin.register(container)).toThrow(
      "metric 'taylor' is already registered by @neusemslice/metric-taylor",
    );
  });
});
