import { createTestContainer } from '@neusemslice/core/testing';
import { listComponents, resolveComponent } from '@neusemslice/core';
import plugin, { AvgMetric } from './index';

describe('the @neusemslice/metric-avg plugin', () => {
  it('registers the avg metric, found by name, and refuses to register it twice', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/metric-avg');
    expect(listComponents(container, 'metric').map((metric) => metric.name)).toEqual(['avg']);
    expect(resolveComponent(container, 'metric', 'avg')).toBeInstanceOf(AvgMetric);
    expect(() => plugin.register(container)).toThrow(
      "metric 'avg' is already registered by @neusemslice/metric-avg",
    );
  });
});
