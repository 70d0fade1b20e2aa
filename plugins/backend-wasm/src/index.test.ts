import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { listComponents, registerPlugins } from '@neusemslice/core';
import cpu from '@neusemslice/backend-cpu';
import {
  describeBackendContract,
  describeBackendResolution,
} from '@neusemslice/backend-cpu/testing';
import { createTestContainer } from '@neusemslice/core/testing';
import node from '@neusemslice/backend-node';
import nodeGpu from '@neusemslice/backend-node-gpu';
import plugin, { areExtraWasmKernelsRegistered, createWasmBackend, wasmBackend } from './index';
import { installedWasmBinaryFolder } from './wasm-binary-location';

describeBackendContract(plugin, {
  name: 'wasm',
  priority: 200,
  installed: true,
  tfBackendName: 'wasm',
});

// Here tfjs-node and tfjs-node-gpu are not installed: with all four registered, wasm wins.
describeBackendResolution([cpu, plugin, node, nodeGpu], {
  fastest: 'wasm',
  forcible: ['cpu', 'wasm'],
  notInstalled: ['tfjs-node', 'tfjs-node-gpu'],
});

describe('the wasm backend', () => {
  it('is the exported object the plugin registers', () => {
    expect(plugin.name).toBe('@neusemslice/backend-wasm');
    expect(listComponents(registerPlugins(createTestContainer(), [plugin]), 'backend')).toEqual([
      wasmBackend,
    ]);
  });

  it('finds the installed .wasm binaries through module resolution', () => {
    const folder = installedWasmBinaryFolder();
    expect(folder).not.toBeNull();
    expect(folder!.endsWith(path.sep)).toBe(true);
    for (const binary of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
      expect(fs.existsSync(path.join(folder!, binary))).toBe(true);
    }
  });

  it('registers its kernels when activated, and activating again changes nothing', async () => {
    await wasmBackend.activate();
    tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
    expect(areExtraWasmKernelsRegistered()).toBe(false);
    await createWasmBackend({ wasmPaths: false }).activate();
    expect(tf.getBackend()).toBe('wasm');
    expect(areExtraWasmKernelsRegistered()).toBe(true);
    await wasmBackend.activate();
    expect(tf.getBackend()).toBe('wasm');
    expect(areExtraWasmKernelsRegistered()).toBe(true);
  });
});
