import { isUsageError } from '@neusemslice/core';
import { MODEL_NAMES, MODEL_ZOO, createModel } from './registry';

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('createModel', () => {
  it('rejects an unknown name with a UsageError that lists the known models', () => {
    const error = thrown(() => createModel('vgg17', { numClasses: 10, seed: 1 }));
    expect(isUsageError(error)).toBe(true);
    expect(error.message).toContain("'vgg17'");
    for (const name of MODEL_NAMES) expect(error.message).toContain(name);
  });

  it('uses the model’s default input shape and checks the given one', () => {
    const lenet = createModel('lenet5', { numClasses: 10, seed: 1, widthScale: 0.5 });
    expect(lenet.inputs[0].shape).toEqual([null, ...MODEL_ZOO.lenet5.defaultInputShape]);
    lenet.dispose();
    expect(
      thrown(() => createModel('vgg16', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 }))
        .message,
    ).toMatch(/at least 32x32.*\[28, 28, 1\]/);
    expect(
      thrown(() => createModel('alexnet', { inputShape: [784], numClasses: 10, seed: 1 })).message,
    ).toMatch(/\[height, width, channels\]/);
    expect(
      thrown(() => createModel('mlp', { inputShape: [0, 3], numClasses: 10, seed: 1 })).message,
    ).toMatch(/positive integers/);
  });

  it('checks numClasses, seed and widthScale', () => {
    expect(isUsageError(thrown(() => createModel('mlp', { numClasses: 1, seed: 1 })))).toBe(true);
    expect(thrown(() => createModel('mlp', { numClasses: 10, seed: -1 })).message).toMatch(/seed/);
    expect(thrown(() => createModel('mlp', { numClasses: 10, seed: 1.5 })).message).toMatch(/seed/);
    expect(
      thrown(() => createModel('mlp', { numClasses: 10, seed: 1, widthScale: 0 })).message,
    ).toMatch(/widthScale/);
  });

  it('builds every zoo model with a linear logits layer of numClasses units', () => {
    for (const name of MODEL_NAMES) {
      const model = createModel(name, { numClasses: 7, seed: 3, widthScale: 1 / 32 });
      const last = model.layers[model.layers.length - 1];
      expect([name, last.name, last.getClassName()]).toEqual([name, 'logits', 'Dense']);
      expect((last.getConfig() as { activation: string }).activation).toBe('linear');
      expect(model.outputs[0].shape).toEqual([null, 7]);
      expect(model.name).toBe(name);
      model.dispose();
    }
  });
});
