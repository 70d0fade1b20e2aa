import { UsageError } from '@neusemslice/core';

export const PLUGIN = 'slicer-deeparc';

/** How a layer's output becomes a samples × features matrix. */
export type LayerFeatureKind = 'flattened' | 'spatial-mean';

/**
 * How CKA is estimated: `full` is exact linear CKA over all samples (feature cross-products);
 * `minibatch` is DeepArc's own estimator (unbiased HSIC averaged over batches, Nguyen et al. 2020);
 * `auto` takes `full` when its cross-products fit in memory, else `minibatch`.
 */
export type CkaEstimator = 'auto' | 'full' | 'minibatch';

export interface DeepArcOptions {
  /** A new module starts where consecutive layers' CKA is ≤ threshold (DeepArc: 0.99). */
  threshold: number;
  features: LayerFeatureKind;
  estimator: CkaEstimator;
}

export const DEEPARC_DEFAULTS: Readonly<DeepArcOptions> = {
  threshold: 0.99,
  features: 'flattened',
  estimator: 'auto',
};

const FEATURE_KINDS: readonly LayerFeatureKind[] = ['flattened', 'spatial-mean'];
const ESTIMATORS: readonly CkaEstimator[] = ['auto', 'full', 'minibatch'];
const OPTION_NAMES = Object.keys(DEEPARC_DEFAULTS);

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/** Throws a UsageError unless `value` is a number in [0, 1]. */
export function checkThreshold(value: unknown, inputName = 'threshold'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(
      `${PLUGIN}: ${inputName} must be a number in [0, 1], got ${String(value)}`,
    );
  }
  return value;
}

/** The options of a slice request with defaults filled in; unknown or bad options throw. */
export function parseDeepArcOptions(options: Record<string, unknown> | undefined): DeepArcOptions {
  const given = options ?? {};
  for (const name of Object.keys(given)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new UsageError(
        `${PLUGIN}: unknown option '${name}' (expected ${OPTION_NAMES.join(', ')})`,
      );
    }
  }
  const features = given.features ?? DEEPARC_DEFAULTS.features;
  if (!FEATURE_KINDS.includes(features as LayerFeatureKind)) {
    throw new UsageError(
      `${PLUGIN}: features must be one of ${quoted(FEATURE_KINDS)}, got ${JSON.stringify(features)}`,
    );
  }
  const estimator = given.estimator ?? DEEPARC_DEFAULTS.estimator;
  if (!ESTIMATORS.includes(estimator as CkaEstimator)) {
    throw new UsageError(
      `${PLUGIN}: estimator must be one of ${quoted(ESTIMATORS)}, got ${JSON.stringify(estimator)}`,
    );
  }
  return {
    threshold: checkThreshold(given.threshold ?? DEEPARC_DEFAULTS.threshold),
    features: features as LayerFeatureKind,
    estimator: estimator as CkaEstimator,
  };
}
