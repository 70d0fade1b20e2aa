import { UsageError, type Slice } from '@neusemslice/core';

/** Per layer, how a second slice differs from the first. */
export interface SliceChangeRow {
  layer: string;
  units: number;
  /** Critical in the second slice, not in the first. */
  gained: number;
  /** Critical in the first slice, not in the second. */
  lost: number;
  /** Critical in both. */
  kept: number;
}

/**
 * Neurons gained, lost and kept per layer from `before` to `after`. Both slices must describe
 * the same neuron layers (same names and unit counts); weights may differ (e.g. after tuning).
 */
export function compareSlices(before: Slice, after: Slice): SliceChangeRow[] {
  const afterUnits = new Map(after.model.neuronLayers.map((layer) => [layer.name, layer.units]));
  const beforeNames = before.model.neuronLayers.map((layer) => layer.name);
  if (
    afterUnits.size !== beforeNames.length ||
    before.model.neuronLayers.some((layer) => afterUnits.get(layer.name) !== layer.units)
  ) {
    const describe = (slice: Slice): string =>
      slice.model.neuronLayers.map((layer) => `${layer.name}(${layer.units})`).join(', ');
    throw new UsageError(
      `the slices describe different neuron layers: ${describe(before)} vs ${describe(after)}`,
    );
  }
  return before.model.neuronLayers.map(({ name, units }) => {
    const first = new Set(before.critical[name] ?? []);
    const second = new Set(after.critical[name] ?? []);
    let kept = 0;
    for (const index of second) if (first.has(index)) kept++;
    return { layer: name, units, gained: second.size - kept, lost: first.size - kept, kept };
  });
}
