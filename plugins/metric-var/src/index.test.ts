import { createTestContainer } from '@neusemslice/core/testing';
import { listComponents, resolveComponent } from '@neusemslice/core';
import plugin, { VarMetric } from './index';

describe('the @neusemslice/metric-var plugin', () => {
  it('registers the var metric, found by name, and refuses to register it twice', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/metric-var');
    expect(listComponents(container, 'metric').map((metric) => metric.name)).toEqual(['var']);
    expect(resolveComponent(container, 'metric', 'var')).toBeInstanceOf(VarMetric);
    expect(() => plugin.register(container)).toThrow(
      "metric 'var' is already registered by @neusemslice/metric-var",
    );
  });
});
