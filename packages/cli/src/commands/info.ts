import { weightOwnership } from '@neusemslice/core';
import { describeModel } from '@neusemslice/models';
import type { Command } from '../command';
import { activateBackend, runtimeOptions } from './common';
import { loadModelOption, modelOption } from './model-input';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Neuron layers and parameters per layer of a saved model',
  options: {
    ...modelOption,
    backend: runtimeOptions.backend,
  },
  async run(options, _positionals, context) {
    // Reading a model makes tensors: a backend must be active first.
    await activateBackend(options, context);
    const { neuronModel, metadata } = await loadModelOption(options);
    if (metadata) {
      const accuracy =
        typeof metadata.testAccuracy === 'number'
          ? `, test accuracy ${(100 * metadata.testAccuracy).toFixed(2)}%`
          : '';
      context.print(
        `model ${metadata.modelName ?? neuronModel.model.name} trained on ${metadata.dataset ?? '?'} (seed ${metadata.seed ?? '?'}${accuracy})`,
      );
    }
    context.print('neuron layers:');
    const ownership = weightOwnership(neuronModel);
    for (const layer of neuronModel.neuronLayers) {
      const owned = ownership
        .filter((weight) => weight.ownerNeuronLayer === layer.name)
        .reduce((sum, weight) => sum + weight.size, 0);
      const via =
        layer.outputLayerName === layer.name ? '' : ` (output after ${layer.outputLayerName})`;
      context.print(
        `  ${layer.name.padEnd(16)} ${layer.kind.padEnd(7)} ${String(layer.units).padStart(6)} neurons  ${String(owned).padStart(10)} own parameters${via}`,
      );
    }
    context.print(
      `  ${neuronModel.logitsLayerName.padEnd(16)} logits  ${String(neuronModel.numClasses).padStart(6)} outputs (not sliced)`,
    );
    const description = describeModel(neuronModel.model);
    context.print('layers:');
    for (const layer of description.layers) {
      context.print(
        `  ${layer.name.padEnd(16)} ${layer.className.padEnd(20)} ${JSON.stringify(layer.outputShape).padEnd(20)} ${String(layer.parameters).padStart(10)}`,
      );
    }
    context.print(`total parameters: ${description.totalParameters}`);
    return {
      model: metadata ?? null,
      neuronLayers: neuronModel.neuronLayers.map((layer) => ({
        name: layer.name,
        kind: layer.kind,
        units: layer.units,
      })),
      numClasses: neuronModel.numClasses,
      totalParameters: description.totalParameters,
    };
  },
};
