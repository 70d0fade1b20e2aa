import { checkInteger, checkNumberInRange, UsageError } from '@neusemslice/core';
import { TABLE6_VARIANTS } from '../incremental/paper-table6';
import { TABLE5_STRATEGIES, type Table5Strategy } from '../readapt/paper-table5';
import { TABLE4_PRUNERS } from '../restructure/restructure-study';

/**
 * How big each research question's runs are. The paper states none of its fine-tuning or
 * retraining budgets; these presets trade fidelity for time, and the report states the one used.
 */

/** The paper's four research questions, in its order. */
export const REPRODUCTION_QUESTIONS = ['rq1', 'rq2', 'rq3', 'rq4'] as const;
export type ReproductionQuestion = (typeof REPRODUCTION_QUESTIONS)[number];

export interface ReproductionBudget {
  /** Named in the report and in the checkpoint's configuration. */
  name: string;
  description: string;
  /** RQ1, the masking study (Figure 5): one run per setting and seed. */
  rq1: {
    metrics: string[];
    /** Training samples per class to slice on (seeded). */
    slicingPerClass: number;
    /** First n test samples; undefined: all. */
    testSamples?: number;
    /** Default: the study's (k = 10% … 100%, Θ = 0.90 … 0.99, five pilot bands). */
    keepRatios?: number[];
    thetas?: number[];
    bands?: [number, number][];
  };
  /** The Taylor + semantic slice RQ2 and RQ3 start from (the paper's best RQ1 configuration). */
  slice: { metric: string; theta: number; slicingPerClass: number };
  /** RQ2, restructuring (Table 4). */
  rq2: {
    pruners: string[];
    maxIterations: number;
    fineTuneSamples: number;
    fineTuneEpochs: number;
    /** δ in accuracy points. */
    tolerance: number;
    testSamples?: number;
  };
  /** RQ3, re-adaptation (Table 5). */
  rq3: {
    attacks: string[];
    strategies: Table5Strategy[];
    epochs: number;
    epochsBySetting: Record<string, number>;
    samples: number;
    steps: number;
    stepSize: number;
    testSamples?: number;
  };
  /** RQ4, incremental development (Table 6). */
  rq4: {
    /** Variant ids of Table 6 (see TABLE6_VARIANTS). */
    variants: string[];
    epochs: number;
    /** Learn task B from this many samples per class; undefined: all. */
    trainPerClass?: number;
    slicingPerClass: number;
    fisherSamples: number;
    ewcLambda: number;
    testSamples?: number;
  };
}

const ALL_VARIANTS = TABLE6_VARIANTS.map((variant) => variant.id);

/**
 * `small` (the default) is sized for `--settings mlp-mnist --seeds 2` on a 2-core machine (34 min
 * of wall time measured on a heavily loaded one); `tiny` is a smoke test of minutes; `full` uses
 * the studies' own defaults.
 */
export const REPRODUCTION_BUDGETS: Readonly<Record<string, ReproductionBudget>> = {
  tiny: {
    name: 'tiny',
    description:
      'smoke test: 2 metrics and 4 Θ in RQ1, 2 pruners and 3 iterations, FGSM only, 4 incremental variants, 1,000 test samples',
    rq1: {
      metrics: ['taylor', 'deeplift'],
      slicingPerClass: 50,
      testSamples: 1000,
      keepRatios: [0.2, 0.4, 0.6, 0.8, 1],
      thetas: [0.9, 0.93, 0.96, 0.99],
      bands: [
        [0, 0.1],
        [0.1, 0.2],
      ],
    },
    slice: { metric: 'taylor', theta: 0.95, slicingPerClass: 50 },
    rq2: {
      pruners: ['lamp', 'global'],
      maxIterations: 3,
      fineTuneSamples: 500,
      fineTuneEpochs: 1,
      tolerance: 1,
      testSamples: 1000,
    },
    rq3: {
      attacks: ['fgsm'],
      strategies: [...TABLE5_STRATEGIES],
      epochs: 1,
      epochsBySetting: {},
      samples: 200,
      steps: 5,
      stepSize: 0.06,
      testSamples: 1000,
    },
    rq4: {
      variants: ['retrain', 'replay-10', 'neusemslice', 'neusemslice+replay-10'],
      epochs: 1,
      trainPerClass: 1000,
      slicingPerClass: 50,
      fisherSamples: 100,
      ewcLambda: 1e6,
      testSamples: 1000,
    },
  },
  small: {
    name: 'small',
    description:
      "sized for a 2-core machine: every metric, pruner, attack and Table 6 row, with fewer samples, iterations and PGD steps than the studies' defaults (task B still learnt from all its data)",
    rq1: {
      metrics: ['avg', 'var', 'ens', 'deeplift', 'taylor'],
      slicingPerClass: 200,
      testSamples: 2000,
    },
    slice: { metric: 'taylor', theta: 0.95, slicingPerClass: 200 },
    rq2: {
      pruners: [...TABLE4_PRUNERS],
      maxIterations: 8,
      fineTuneSamples: 1000,
      fineTuneEpochs: 1,
      tolerance: 1,
      testSamples: 2000,
    },
    rq3: {
      attacks: ['fgsm', 'pgd'],
      strategies: [...TABLE5_STRATEGIES],
      epochs: 2,
      epochsBySetting: { 'lenet5-fashion-mnist': 1 },
      samples: 500,
      steps: 10,
      stepSize: 0.03,
      testSamples: 2000,
    },
    rq4: {
      // Task B needs all its data in one epoch: 200 per class (8 batches) learns nothing.
      variants: ALL_VARIANTS,
      epochs: 1,
      slicingPerClass: 200,
      fisherSamples: 200,
      ewcLambda: 1e6,
      testSamples: 2000,
    },
  },
  full: {
    name: 'full',
    description:
      "the studies' defaults: 500 samples per class to slice on, whole test sets, 15 pruning iterations on 3,000 samples, PGD with 40 steps on 1,000 samples, task B on all its data",
    rq1: { metrics: ['avg', 'var', 'ens', 'deeplift', 'taylor'], slicingPerClass: 500 },
    slice: { metric: 'taylor', theta: 0.95, slicingPerClass: 500 },
    rq2: {
      pruners: [...TABLE4_PRUNERS],
      maxIterations: 15,
      fineTuneSamples: 3000,
      fineTuneEpochs: 1,
      tolerance: 1,
    },
    rq3: {
      attacks: ['fgsm', 'pgd'],
      strategies: [...TABLE5_STRATEGIES],
      epochs: 3,
      epochsBySetting: {},
      samples: 1000,
      steps: 40,
      stepSize: 0.01,
    },
    rq4: {
      variants: ALL_VARIANTS,
      epochs: 1,
      slicingPerClass: 500,
      fisherSamples: 500,
      ewcLambda: 1e6,
    },
  },
};

/** The preset of that name; the error lists the known ones. */
export function reproductionBudget(name: string): ReproductionBudget {
  const budget = REPRODUCTION_BUDGETS[name];
  if (!budget) {
    throw new UsageError(
      `budget: unknown budget '${name}' (expected ${Object.keys(REPRODUCTION_BUDGETS).join(' | ')})`,
    );
  }
  return budget;
}

function checkOptionalSamples(name: string, value: number | undefined): void {
  if (value !== undefined) checkInteger(name, value, 1);
}

/** Refuses a budget with an empty list or a count that is not a whole number ≥ 1. */
export function checkReproductionBudget(budget: ReproductionBudget): ReproductionBudget {
  const nonEmpty = (name: string, list: readonly unknown[]) => {
    if (list.length === 0) throw new UsageError(`budget.${name}: give at least one entry`);
  };
  nonEmpty('rq1.metrics', budget.rq1.metrics);
  nonEmpty('rq2.pruners', budget.rq2.pruners);
  nonEmpty('rq3.attacks', budget.rq3.attacks);
  nonEmpty('rq3.strategies', budget.rq3.strategies);
  nonEmpty('rq4.variants', budget.rq4.variants);
  for (const id of budget.rq4.variants) {
    if (!ALL_VARIANTS.includes(id)) {
      throw new UsageError(
        `budget.rq4.variants: unknown variant '${id}' (expected ${ALL_VARIANTS.join(' | ')})`,
      );
    }
  }
  checkInteger('budget.rq1.slicingPerClass', budget.rq1.slicingPerClass, 1);
  checkInteger('budget.slice.slicingPerClass', budget.slice.slicingPerClass, 1);
  checkNumberInRange('budget.slice.theta', budget.slice.theta, Number.EPSILON, 1);
  checkInteger('budget.rq2.maxIterations', budget.rq2.maxIterations, 1);
  checkInteger('budget.rq2.fineTuneSamples', budget.rq2.fineTuneSamples, 1);
  checkInteger('budget.rq2.fineTuneEpochs', budget.rq2.fineTuneEpochs, 1);
  checkInteger('budget.rq3.epochs', budget.rq3.epochs, 1);
  checkInteger('budget.rq3.samples', budget.rq3.samples, 1);
  checkInteger('budget.rq3.steps', budget.rq3.steps, 1);
  checkInteger('budget.rq4.epochs', budget.rq4.epochs, 1);
  checkInteger('budget.rq4.slicingPerClass', budget.rq4.slicingPerClass, 1);
  checkInteger('budget.rq4.fisherSamples', budget.rq4.fisherSamples, 1);
  checkOptionalSamples('budget.rq1.testSamples', budget.rq1.testSamples);
  checkOptionalSamples('budget.rq2.testSamples', budget.rq2.testSamples);
  checkOptionalSamples('budget.rq3.testSamples', budget.rq3.testSamples);
  checkOptionalSamples('budget.rq4.testSamples', budget.rq4.testSamples);
  checkOptionalSamples('budget.rq4.trainPerClass', budget.rq4.trainPerClass);
  return budget;
}
