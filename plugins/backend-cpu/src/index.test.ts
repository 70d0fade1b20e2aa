import { listComponents, registerPlugins } from '@neusemslice/core';
import plugin, { cpuBackend } from './index';
import { createTestContainer } from '@neusemslice/core/testing';
import { describeBackendContract, describeBackendResolution } from './testing';

describeBackendContract(plugin, {
  name: 'cpu',
  priority: 100,
  installed: true,
  tfBackendName: 'cpu',
});

describeBackendResolution([plugin], { fastest: 'cpu', forcible: ['cpu'], notInstalled: [] });

describe('the cpu backend', () => {
  it('is the exported object the plugin registers', () => {
    expect(plugin.name).toBe('@neusemslice/backend-cpu');
    const container = registerPlugins(createTestContainer(), [plugin]);
    expect(listComponents(container, 'backend')).toEqual([cpuBackend]);
  });
});
