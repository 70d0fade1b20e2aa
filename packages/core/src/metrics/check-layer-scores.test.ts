import { NeuronModel } from '../model/neuron-model';
import { makeTinyMlp } from '../testing/tiny-models';
import { checkLayerScores } from './check-layer-scores';

describe('checkLayerScores', () => {
  const model = new NeuronModel(makeTinyMlp({ hidden: [3, 2] }));
  const [first, second] = model.neuronLayers;

  it('accepts one score per neuron of every layer', () => {
    const scores = { [first.name]: new Float64Array(3), [second.name]: new Float64Array(2) };
    expect(() => checkLayerScores('avg', model, scores)).not.toThrow();
  });

  it('names the metric, the layer and the counts when scores are missing or the wrong length', () => {
    expect(() =>
      checkLayerScores('avg', model, {
        [first.name]: new Float64Array(3),
        [second.name]: new Float64Array(5),
      }),
    ).toThrow(`metric 'avg' gave 5 scores for layer '${second.name}' of 2 neurons`);
    expect(() => checkLayerScores('avg', model, { [second.name]: new Float64Array(2) })).toThrow(
      `metric 'avg' gave no scores for layer '${first.name}' of 3 neurons`,
    );
  });
});
