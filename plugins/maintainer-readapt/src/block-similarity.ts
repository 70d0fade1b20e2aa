import * as tf from '@tensorflow/tfjs';
import {
  type AdversarialSet,
  type FeatureMatrix,
  type LabeledDataset,
  linearCka,
  type NeuronModel,
} from '@neusemslice/core';

/** CKA between benign and adversarial activations of one block (neuron layer). */
export interface BlockSimilarity {
  layer: string;
  /** Linear centred CKA of the layer's outputs on clean and attacked samples. */
  cka: number;
  /** How much lower than the block before (the inputs for the first): the ranking key. */
  drop: number;
}

function appendRows(store: number[][], tensor: tf.Tensor): void {
  store.push(Array.from(tensor.dataSync()));
}

function matrix(rows: number[][], samples: number): FeatureMatrix {
  const values = Float64Array.from(rows.flat());
  return { values, samples, features: values.length / samples };
}

/**
 * DeepArc's re-adaptation rule as we read it (SPEC §4): for each block, the CKA between its
 * activations on the clean samples and on their adversarial versions (conv maps averaged over
 * space, one value per channel); a block's drop is the CKA of the block before it (of the raw
 * inputs for the first) minus its own. Sorted by drop, largest first.
 */
export function blockSimilarities(
  model: NeuronModel,
  clean: LabeledDataset,
  adversarial: AdversarialSet,
  batchSize: number,
): BlockSimilarity[] {
  const cleanRows: Record<string, number[][]> = { input: [] };
  const adversarialRows: Record<string, number[][]> = { input: [] };
  for (const layer of model.neuronLayers) {
    cleanRows[layer.name] = [];
    adversarialRows[layer.name] = [];
  }
  let batchIndex = 0;
  for (const batch of clean.batches(batchSize)) {
    const attacked = adversarial.batches[batchIndex++];
    for (const [x, rows] of [
      [batch.x, cleanRows],
      [attacked, adversarialRows],
    ] as const) {
      const flat = x.reshape([x.shape[0], -1]);
      appendRows(rows.input, flat);
      flat.dispose();
      const { outputs, logits } = model.neuronOutputs(x);
      for (const layer of model.neuronLayers) appendRows(rows[layer.name], outputs[layer.name]);
      tf.dispose([logits, ...Object.values(outputs)]);
    }
    batch.x.dispose();
  }
  const samples = adversarial.size;
  const ckaOf = (name: string) =>
    linearCka(matrix(cleanRows[name], samples), matrix(adversarialRows[name], samples));
  let previous = ckaOf('input');
  const similarities = model.neuronLayers.map((layer) => {
    const cka = ckaOf(layer.name);
    const similarity = { layer: layer.name, cka, drop: previous - cka };
    previous = cka;
    return similarity;
  });
  return [...similarities].sort((a, b) => b.drop - a.drop);
}
