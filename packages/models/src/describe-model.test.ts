import { describeModel } from './describe-model';
import { createModel } from './zoo/registry';

describe('describeModel', () => {
  it('lists each layer’s name, class, output shape and parameters, and the totals', () => {
    const model = createModel('lenet5', { numClasses: 10, seed: 1 });
    const description = describeModel(model);
    expect(description.name).toBe('lenet5');
    expect(description.inputShape).toEqual([null, 28, 28, 1]);
    expect(description.layers.find((layer) => layer.name === 'conv2')).toEqual({
      name: 'conv2',
      className: 'Conv2D',
      outputShape: [null, 10, 10, 16],
      parameters: 5 * 5 * 6 * 16 + 16,
      trainableParameters: 5 * 5 * 6 * 16 + 16,
    });
    expect(description.layers.find((layer) => layer.name === 'pool2')?.parameters).toBe(0);
    expect(description.totalParameters).toBe(model.countParams());
    expect(description.trainableParameters).toBe(description.totalParameters);
    model.dispose();
  });

  it('counts batch-norm moving statistics as parameters but not as trainable ones', () => {
    const model = createModel('vgg16', { numClasses: 10, seed: 1, widthScale: 1 / 16 });
    const bn = describeModel(model).layers.find((layer) => layer.name === 'bn1_1');
    expect(bn).toMatchObject({
      className: 'BatchNormalization',
      parameters: 4 * 4,
      trainableParameters: 2 * 4,
    });
    const description = describeModel(model);
    const bnChannels = model.layers
      .filter((layer) => layer.getClassName() === 'BatchNormalization')
      .reduce((sum, layer) => sum + (layer.outputShape as number[])[3], 0);
    expect(description.totalParameters - description.trainableParameters).toBe(2 * bnChannels);
    model.dispose();
  });
});
