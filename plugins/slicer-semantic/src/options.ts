import { UsageError } from '@neusemslice/core';

/** How a neuron is represented when comparing embedding landscapes. */
export type NeuronFeatureKind = 'spatial-mean' | 'flattened';

export interface SemanticOptions {
  /** CKA threshold Θ in (0, 1]: the smallest ranked prefix with sim ≥ Θ is kept. */
  theta: number;
  /** Algorithm 1's i: only prefixes of i, 2i, …, N neurons are considered. */
  step: number;
  /** A conv neuron as its spatial mean (one number per sample) or its whole flattened map. */
  features: NeuronFeatureKind;
  /** true: centred linear CKA (Kornblith et al. 2019); false: the paper's literal uncentred Eq. 2. */
  centered: boolean;
}

export const SEMANTIC_DEFAULTS: Readonly<SemanticOptions> = {
  theta: 0.95,
  step: 1,
  features: 'spatial-mean',
  centered: true,
};

const PLUGIN = 'slicer-semantic';
const FEATURE_KINDS: readonly NeuronFeatureKind[] = ['spatial-mean', 'flattened'];
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
      `${PLUGIN}: features must be ${FEATURE_KINDS.map((kind) => `'${kind}'`).join(' or ')}, got ${JSON.stringify(features)}`,
    );
  }
  const centered = given.centered ?? SEMANTIC_DEFAULTS.centered;
  if (typeof centered !== 'boolean') {
    throw new UsageError(
      `${PLUGIN}: centered must be true or false, got ${JSON.stringify(centered)}`,
    );
  }
  return {
    theta: checkTheta(given.theta ?? SEMANTIC_DEFAULTS.theta),
    step: checkStep(given.step ?? SEMANTIC_DEFAULTS.step),
    features: features as NeuronFeatureKind,
    centered,
  };
}
