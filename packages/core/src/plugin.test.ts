import { container } from 'tsyringe';
import { resolveBackend } from './backend-resolver';
import type { Backend } from './contracts/backend';
import type { Metric } from './contracts/metric';
import {
  listComponents,
  provide,
  type NeuSemSlicePlugin,
  registerPlugins,
  resolveComponent,
} from './plugin';

const metricNamed = (name: string): Metric => ({
  name,
  description: `${name} metric`,
  score: async () => ({}),
});

const metricPlugin = (pluginName: string, metricName: string): NeuSemSlicePlugin => ({
  name: pluginName,
  register: (target) => provide(target, 'metric', metricNamed(metricName), pluginName),
});

describe('plugins', () => {
  it('registers components and resolves them by name', () => {
    const scope = container.createChildContainer();
    registerPlugins(scope, [metricPlugin('@x/metric-a', 'a'), metricPlugin('@x/metric-b', 'b')]);
    expect(resolveComponent(scope, 'metric', 'b').description).toBe('b metric');
    expect(listComponents(scope, 'metric').map((metric) => metric.name)).toEqual(['a', 'b']);
    expect(listComponents(scope, 'slicer')).toEqual([]);
  });

  it('names the registered components when a name is unknown', () => {
    const scope = container.createChildContainer();
    registerPlugins(scope, [
      metricPlugin('@x/metric-a', 'avg'),
      metricPlugin('@x/metric-b', 'taylor'),
    ]);
    expect(() => resolveComponent(scope, 'metric', 'tayler')).toThrow(
      "unknown metric 'tayler' (registered: avg, taylor)",
    );
    expect(() => resolveComponent(scope, 'slicer', 'semantic')).toThrow(
      "unknown slicer 'semantic' (registered: none; install and register a plugin)",
    );
  });

  it('refuses a second component with the same name, naming both plugins', () => {
    const scope = container.createChildContainer();
    registerPlugins(scope, [metricPlugin('@x/metric-a', 'avg')]);
    expect(() => registerPlugins(scope, [metricPlugin('@y/my-avg', 'avg')])).toThrow(
      "metric 'avg' is already registered by @x/metric-a; @y/my-avg cannot register it again",
    );
  });

  it('keeps child containers apart', () => {
    const first = container.createChildContainer();
    const second = container.createChildContainer();
    registerPlugins(first, [metricPlugin('@x/metric-a', 'avg')]);
    registerPlugins(second, [metricPlugin('@x/metric-a', 'avg')]);
    expect(listComponents(second, 'metric')).toHaveLength(1);
  });

  it('rejects something that is not a plugin', () => {
    expect(() =>
      registerPlugins(container.createChildContainer(), [{} as NeuSemSlicePlugin]),
    ).toThrow(
      'not a NeuSemSlice plugin: expected a default export { name, register(container) }, got object',
    );
  });
});

describe('resolveBackend', () => {
  const activated: string[] = [];
  const backend = (name: string, priority: number, available: boolean): Backend => ({
    name,
    priority,
    isAvailable: () => available,
    activate: async () => {
      activated.push(name);
    },
  });
  const plugin: NeuSemSlicePlugin = {
    name: '@x/backends',
    register: (target) => {
      provide(target, 'backend', backend('cpu', 100, true), '@x/backends');
      provide(target, 'backend', backend('wasm', 200, true), '@x/backends');
      provide(target, 'backend', backend('tfjs-node', 300, false), '@x/backends');
    },
  };

  beforeEach(() => {
    activated.length = 0;
    delete process.env.NEUSEMSLICE_BACKEND;
  });

  it('picks the fastest installed backend and says so', async () => {
    const lines: string[] = [];
    const chosen = await resolveBackend(
      registerPlugins(container.createChildContainer(), [plugin]),
      { log: (line) => lines.push(line) },
    );
    expect(chosen.name).toBe('wasm');
    expect(activated).toEqual(['wasm']);
    expect(lines).toEqual(['backend: wasm (fastest installed)']);
  });

  it('falls back to the next backend when an installed one fails to start', async () => {
    const lines: string[] = [];
    const broken: Backend = {
      name: 'tfjs-node-gpu',
      priority: 400,
      isAvailable: () => true,
      activate: async () => {
        throw new Error('libcudart.so not found');
      },
    };
    const scope = registerPlugins(container.createChildContainer(), [plugin]);
    provide(scope, 'backend', broken, '@x/broken');
    expect((await resolveBackend(scope, { log: (line) => lines.push(line) })).name).toBe('wasm');
    expect(lines).toEqual([
      'backend tfjs-node-gpu is installed but failed to start; trying the next one',
      'backend: wasm (fastest installed)',
    ]);
  });

  it('can be forced by option or environment variable', async () => {
    const scope = registerPlugins(container.createChildContainer(), [plugin]);
    expect((await resolveBackend(scope, { prefer: 'cpu', log: null })).name).toBe('cpu');
    process.env.NEUSEMSLICE_BACKEND = 'cpu';
    expect((await resolveBackend(scope, { log: null })).name).toBe('cpu');
    process.env.NEUSEMSLICE_BACKEND = 'tfjs-node';
    await expect(resolveBackend(scope, { log: null })).rejects.toThrow(
      "backend 'tfjs-node' was asked for but its package is not installed",
    );
    await expect(resolveBackend(scope, { prefer: 'webgpu', log: null })).rejects.toThrow(
      "unknown backend 'webgpu' (registered: tfjs-node, wasm, cpu)",
    );
  });
});
