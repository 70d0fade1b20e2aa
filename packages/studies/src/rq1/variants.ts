import { UsageError } from '@neusemslice/core';
import type { MaskFill } from './masked-evaluation';

/**
 * One configuration of semantic slicing compared in the RQ1 option study: the slicer options it
 * passes and what a dropped neuron outputs. Each changes one factor of `default` (the slicer's
 * defaults before this study), or combines the factors that won alone.
 */
export interface Rq1Variant {
  name: string;
  /** What it changes, for the report. */
  description: string;
  semanticOptions: Record<string, unknown>;
  fill: MaskFill;
  /** Only meaningful on models with conv layers (the conv-feature options). */
  convOnly?: boolean;
}

/** The factors a variant changes from `default`; the rest keep default's value. */
interface VariantChanges {
  centered?: boolean;
  features?: 'spatial-mean' | 'flattened' | 'energy';
  combine?: 'union' | 'layer-budget';
  fill?: MaskFill;
}

/** A variant from its changes to `default` (conv-feature changes make it conv-only). */
function variant(name: string, description: string, changes: VariantChanges = {}): Rq1Variant {
  const features = changes.features ?? 'spatial-mean';
  return {
    name,
    description,
    // Key order is part of the option study's checkpoint configuration: keep it.
    semanticOptions: {
      centered: changes.centered ?? true,
      features,
      combine: changes.combine ?? 'union',
    },
    fill: changes.fill ?? 'zero',
    ...(features === 'spatial-mean' ? {} : { convOnly: true }),
  };
}

export const RQ1_VARIANTS: readonly Rq1Variant[] = [
  variant('default', 'centred CKA, conv spatial means, union of categories, zero masking'),
  variant('uncentred', "the paper's literal Eq. 2 (uncentred Grams)", { centered: false }),
  variant(
    'mean-fill',
    'dropped neurons output their mean over the slicing data (all slicers alike)',
    { fill: 'mean' },
  ),
  variant('flattened', 'conv neurons as whole flattened maps', { features: 'flattened' }),
  variant('energy', 'conv neurons as their energy (spatial mean of squares)', {
    features: 'energy',
  }),
  variant('layer-budget', 'per-layer budget (largest category prefix) instead of the union', {
    combine: 'layer-budget',
  }),
  variant('mean-fill+uncentred', 'mean replacement with uncentred CKA', {
    fill: 'mean',
    centered: false,
  }),
  variant('mean-fill+energy', 'mean replacement with conv energy features', {
    fill: 'mean',
    features: 'energy',
  }),
  variant('mean-fill+flattened', 'mean replacement with flattened conv maps', {
    fill: 'mean',
    features: 'flattened',
  }),
  variant('mean-fill+layer-budget', 'mean replacement with the per-layer budget', {
    fill: 'mean',
    combine: 'layer-budget',
  }),
];

/** The variants of these names, in catalogue order; an unknown name lists the known ones. */
export function rq1Variants(names: readonly string[]): Rq1Variant[] {
  for (const name of names) {
    if (!RQ1_VARIANTS.some((variant) => variant.name === name)) {
      throw new UsageError(
        `unknown RQ1 variant '${name}' (expected ${RQ1_VARIANTS.map((variant) => variant.name).join(' | ')})`,
      );
    }
  }
  if (names.length === 0) throw new UsageError('variants: give at least one variant name');
  return RQ1_VARIANTS.filter((variant) => names.includes(variant.name));
}
