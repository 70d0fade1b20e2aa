import { UsageError } from '@neusemslice/core';

/**
 * How a conv neuron is represented when comparing embedding landscapes (a dense neuron is always
 * its one output): its spatial mean, its whole flattened map, or its energy (the spatial mean of
 * its squared map, which keeps a channel's constant offset visible to centred CKA).
 */
export type NeuronFeatureKind = 'spatial-mean' | 'flattened' | 'energy';

/**
 * How the per-category prefixes of a layer become its slice: their union (paper Algorithm 1), or
 * a per-layer budget of as many neurons as the largest category's prefix, filled by how many
 * categories' prefixes hold a neuron (ties: its best rank in any category).
 */
export type CategoryCombination = 'union' | 'layer-budget';

export interface SemanticOptions {
  /** CKA threshold Θ in (0, 1]: the smallest ranked prefix with sim ≥ Θ is kept. */
  theta: number;
  /** Algorithm 1's i: only prefixes of i, 2i, …, N neurons are considered. */
  step: number;
  /** A conv neuron as its spatial mean (one number per sample) or its whole flattened map. */
  features: NeuronFeatureKind;
  /** true: centred linear CKA (Kornblith et al. 2019); false: the paper's literal uncentred Eq. 2. */
  centered: boolean;
  /** Union of the per-category prefixes (the paper) or a per-layer budget. */
  combine: CategoryCombination;
}

export const SEMANTIC_DEFAULTS: Readonly<SemanticOptions> = {
  theta: 0.95,
  step: 1,
  features: 'spatial-mean',
  centered: true,
  // Algorithm 1. The RQ1 option study (docs/results/rq1-options.md) found the per-layer budget
  // ahead by one check of 36 (noise), while it changes what Θ means; so the union stays default.
  combine: 'union',
};

const PLUGIN = 'slicer-semantic';
const FEATURE_KINDS: readonly NeuronFeatureKind[] = ['spatial-mean', 'flattened', 'energy'];
const COMBINATIONS: readonly CategoryCombination[] = ['union', 'layer-budget'];

function quotedList(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(' or ');
}
const OPTION_NAMES = Object.keys(SEMANTIC_DEFAULTS);

/** Throws a UsageError unless `value` is a number in (0, 1]. */
export function checkTheta(value: unknown, inputName = 'theta'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new UsageError(
      `${PLUGIN}: ${inputName} must be a number in (0, 1], got ${String(value)}`,
    );
  }
  return value;
}

/** Throws a UsageError unless `value` is an integer ≥ 1. */
export function checkStep(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`${PLUGIN}: step must be an integer ≥ 1, got ${String(value)}`);
  }
  return value;
}

/** The options of a slice request with defaults filled in; unknown or bad options throw. */
export function parseSemanticOptions(
  options: Record<string, unknown> | undefined,
): SemanticOptions {
  const given = options ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw new UsageError(`${PLUGIN}: options must be an object, got ${JSON.stringify(given)}`);
  }
  for (const name of Object.keys(given)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new UsageError(
        `${PLUGIN}: unknown option '${name}' (expected ${OPTION_NAMES.join(', ')})`,
      );
    }
  }
  const features = given.features ?? SEMANTIC_DEFAULTS.features;
  if (!FEATURE_KINDS.includes(features as NeuronFeatureKind)) {
    throw new UsageError(
      `${PLUGIN}: features must be ${quotedList(FEATURE_KINDS)}, got ${JSON.stringify(features)}`,
    );
  }
  const centered = given.centered ?? SEMANTIC_DEFAULTS.centered;
  if (typeof centered !== 'boolean') {
    throw new UsageError(
      `${PLUGIN}: centered must be true or false, got ${JSON.stringify(centered)}`,
    );
  }
  const combine = given.combine ?? SEMANTIC_DEFAULTS.combine;
  if (!COMBINATIONS.includes(combine as CategoryCombination)) {
    throw new UsageError(
      `${PLUGIN}: combine must be ${quotedList(COMBINATIONS)}, got ${JSON.stringify(combine)}`,
    );
  }
  return {
    theta: checkTheta(given.theta ?? SEMANTIC_DEFAULTS.theta),
    step: checkStep(given.step ?? SEMANTIC_DEFAULTS.step),
    features: features as NeuronFeatureKind,
    centered,
    combine: combine as CategoryCombination,
  };
}
