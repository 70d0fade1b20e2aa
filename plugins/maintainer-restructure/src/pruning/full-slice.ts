import { createSlice, type NeuronModel, type Slice } from '@neusemslice/core';

/**
 * A slice that keeps every neuron of the model: with it the prune maintainer is the pruner alone
 * (no neuron dropped, nothing restructured).
 */
export function fullSlice(model: NeuronModel): Slice {
  return createSlice({
    model,
    metric: 'none',
    slicer: 'full',
    options: {},
    critical: Object.fromEntries(
      model.neuronLayers.map((layer) => [
        layer.name,
        Array.from({ length: layer.units }, (_, index) => index),
      ]),
    ),
  });
}

/** True when the slice keeps every neuron of every layer. */
export function keepsEveryNeuron(model: NeuronModel, slice: Slice): boolean {
  return model.neuronLayers.every(
    (layer) => (slice.critical[layer.name]?.length ?? 0) === layer.units,
  );
}
