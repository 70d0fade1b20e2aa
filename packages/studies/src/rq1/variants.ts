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

export const RQ1_VARIANTS: readonly Rq1Variant[] = [
  {
    name: 'default',
    description: 'centred CKA, conv spatial means, union of categories, zero masking',
    semanticOptions: { centered: true, features: 'spatial-mean', combine: 'union' },
    fill: 'zero',
  },
  {
    name: 'uncentred',
    description: "the paper's literal Eq. 2 (uncentred Grams)",
    semanticOptions: { centered: false, features: 'spatial-mean', combine: 'union' },
    fill: 'zero',
  },
  {
    name: 'mean-fill',
    description: 'dropped neurons output their mean over the slicing data (all slicers alike)',
    semanticOptions: { centered: true, features: 'spatial-mean', combine: 'union' },
    fill: 'mean',
  },
  {
    name: 'flattened',
    description: 'conv neurons as whole flattened maps',
    semanticOptions: { centered: true, features: 'flattened', combine: 'union' },
    fill: 'zero',
    convOnly: true,
  },
  {
    name: 'energy',
    description: 'conv neurons as their energy (spatial mean of squares)',
    semanticOptions: { centered: true, features: 'energy', combine: 'union' },
    fill: 'zero',
    convOnly: true,
  },
  {
    name: 'layer-budget',
    description: 'per-layer budget (largest category prefix) instead of the union',
    semanticOptions: { centered: true, features: 'spatial-mean', combine: 'layer-budget' },
    fill: 'zero',
  },
  {
    name: 'mean-fill+uncentred',
    description: 'mean replacement with uncentred CKA',
    semanticOptions: { centered: false, features: 'spatial-mean', combine: 'union' },
    fill: 'mean',
  },
  {
    name: 'mean-fill+energy',
    description: 'mean replacement with conv energy features',
    semanticOptions: { centered: true, features: 'energy', combine: 'union' },
    fill: 'mean',
    convOnly: true,
  },
  {
    name: 'mean-fill+flattened',
    description: 'mean replacement with flattened conv maps',
    semanticOptions: { centered: true, features: 'flattened', combine: 'union' },
    fill: 'mean',
    convOnly: true,
  },
  {
    name: 'mean-fill+layer-budget',
    description: 'mean replacement with the per-layer budget',
    semanticOptions: { centered: true, features: 'spatial-mean', combine: 'layer-budget' },
    fill: 'mean',
  },
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
