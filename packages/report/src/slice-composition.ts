import type { Slice } from '@neusemslice/core';

/** One cell of the layer × class heat map. */
export interface CriticalShareRow {
  layer: string;
  /** The class label. */
  category: number;
  className: string;
  /** Neurons of the layer critical for the class. */
  critical: number;
  units: number;
  /** critical / units, 0 … 1. */
  share: number;
}

/** Critical neurons of one layer (Ω^l), for slices with or without per-class sets. */
export interface LayerSizeRow {
  layer: string;
  critical: number;
  units: number;
  share: number;
}

/** Jaccard index |A ∩ B| / |A ∪ B| of two classes' critical sets, in one layer or over all. */
export interface ClassOverlapRow {
  /** A layer name, or `all layers`. */
  scope: string;
  classA: string;
  classB: string;
  jaccard: number;
}

export const ALL_LAYERS = 'all layers';

function className(category: number, classNames?: readonly string[]): string {
  return classNames?.[category] ?? String(category);
}

/** Per layer: |Ω^l| out of its units. */
export function layerSizes(slice: Slice): LayerSizeRow[] {
  return slice.model.neuronLayers.map(({ name, units }) => {
    const critical = slice.critical[name]?.length ?? 0;
    return { layer: name, critical, units, share: units > 0 ? critical / units : 0 };
  });
}

/** The categories of a slice's per-class sets, in numeric order (empty without them). */
export function sliceCategories(slice: Slice): number[] {
  return Object.keys(slice.perCategory ?? {})
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Per layer and class: the share of the layer's neurons critical for that class (Ω^{l,c}), from
 * `slice.perCategory`; empty when the slicer does not work per class.
 */
export function criticalSharesPerClass(
  slice: Slice,
  classNames?: readonly string[],
): CriticalShareRow[] {
  const perCategory = slice.perCategory;
  if (!perCategory) return [];
  const rows: CriticalShareRow[] = [];
  for (const { name, units } of slice.model.neuronLayers) {
    for (const category of sliceCategories(slice)) {
      const critical = perCategory[category][name]?.length ?? 0;
      rows.push({
        layer: name,
        category,
        className: className(category, classNames),
        critical,
        units,
        share: units > 0 ? critical / units : 0,
      });
    }
  }
  return rows;
}

function jaccard(a: ReadonlySet<string | number>, b: ReadonlySet<string | number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Class × class Jaccard index of the per-class critical sets, per layer and over all layers
 * (neurons named `layer:index`); empty when the slice has no per-class sets.
 */
export function classOverlap(slice: Slice, classNames?: readonly string[]): ClassOverlapRow[] {
  const perCategory = slice.perCategory;
  if (!perCategory) return [];
  const categories = sliceCategories(slice);
  const scopes = [...slice.model.neuronLayers.map((layer) => layer.name), ALL_LAYERS];
  const rows: ClassOverlapRow[] = [];
  for (const scope of scopes) {
    const sets = categories.map((category) => {
      const sets = perCategory[category];
      if (scope !== ALL_LAYERS) return new Set<string | number>(sets[scope] ?? []);
      const all = new Set<string | number>();
      for (const [layer, indices] of Object.entries(sets)) {
        for (const index of indices) all.add(`${layer}:${index}`);
      }
      return all;
    });
    categories.forEach((categoryA, a) => {
      categories.forEach((categoryB, b) => {
        rows.push({
          scope,
          classA: className(categoryA, classNames),
          classB: className(categoryB, classNames),
          jaccard: jaccard(sets[a], sets[b]),
        });
      });
    });
  }
  return rows;
}
