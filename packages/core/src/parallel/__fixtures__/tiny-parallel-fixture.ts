import { NeuronModel } from '../../model/neuron-model';
import { makeSeparableDataset } from '../../testing/array-dataset';
import { makeTinyMlp } from '../../testing/tiny-models';

/** A tiny MLP (12, 8 hidden units) and 3 classes × 23 separable samples, for the parallel tests. */
export function tinyModelAndData(seed = 3) {
  const model = new NeuronModel(makeTinyMlp({ inputShape: [4, 4, 1], hidden: [12, 8], seed }));
  const data = makeSeparableDataset({
    samplesPerClass: 23,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 5,
  });
  return { model, data };
}
