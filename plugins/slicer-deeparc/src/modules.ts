/** CKA between two consecutive neuron layers. */
export interface LayerSimilarity {
  from: string;
  to: string;
  cka: number;
}

/**
 * DeepArc's modularisation (RQ2/modularity.py): walking the layers in order, a layer joins the
 * current module while its CKA with the layer before is above `threshold`; at or below it a new
 * module starts. `similarities[i]` is the CKA of layers i and i+1.
 */
export function splitIntoModules(
  layerNames: readonly string[],
  similarities: readonly number[],
  threshold: number,
): string[][] {
  if (layerNames.length === 0) return [];
  if (similarities.length !== layerNames.length - 1) {
    throw new Error(
      `splitIntoModules: ${layerNames.length} layers need ${layerNames.length - 1} similarities, got ${similarities.length}`,
    );
  }
  const modules: string[][] = [[layerNames[0]]];
  for (let index = 1; index < layerNames.length; index++) {
    if (similarities[index - 1] > threshold) modules[modules.length - 1].push(layerNames[index]);
    else modules.push([layerNames[index]]);
  }
  return modules;
}

/** The layers DeepArc would remove: all but the first layer of each module of several layers. */
export function redundantLayers(modules: readonly (readonly string[])[]): string[] {
  return modules.flatMap((module) => module.slice(1));
}
