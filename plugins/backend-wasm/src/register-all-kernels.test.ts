import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  expectCloseTo,
  randomValues,
} from './__fixtures__/compare-backends';
import {
  areExtraWasmKernelsRegistered,
  extraWasmKernels,
  registerExtraWasmKernels,
} from './register-all-kernels';

beforeAll(activateWasm);

describe('registerExtraWasmKernels', () => {
  it('lists each kernel once and registers all of them for wasm', () => {
    const names = extraWasmKernels.map((kernel) => kernel.kernelName);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'Conv2DBackpropFilter',
        'Conv2DBackpropInput',
        'BatchMatMul',
        '_FusedMatMul',
        'MaxPoolGrad',
        'PadV2',
        'Identity',
      ]),
    );
    expect(areExtraWasmKernelsRegistered()).toBe(true);
    for (const kernel of extraWasmKernels) {
      expect(tf.getKernel(kernel.kernelName, 'wasm')?.kernelFunc).toBe(kernel.kernelFunc);
    }
  });

  it('is idempotent: again it registers nothing, and the replaced stock kernels are still the ones called', async () => {
    expect(registerExtraWasmKernels()).toEqual([]);
    expect(registerExtraWasmKernels()).toEqual([]);
    // Had a second registration taken our kernel for the stock one, this would recurse forever.
    const a = randomValues(6 * 5, 1);
    const b = randomValues(4 * 6, 2);
    const product = () => tf.matMul(tf.tensor2d(a, [6, 5]), tf.tensor2d(b, [4, 6]), true, true);
    expectCloseTo(await computeOn('wasm', product), await computeOn('cpu', product));
  });

  it('leaves the cpu backend alone', () => {
    for (const kernel of extraWasmKernels) {
      expect(tf.getKernel(kernel.kernelName, 'cpu')?.kernelFunc).not.toBe(kernel.kernelFunc);
    }
  });
});
