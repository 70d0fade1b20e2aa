/** One cell group of the paper's Table 4: CR and MA as shares, NI as a count. */
export interface PaperRestructureFigures {
  compressionRate: number;
  iterations: number;
  testAccuracy: number;
}

/** The two variants of Table 4: the pruner alone, and NeuSemSlice's slice, then the pruner. */
export const RESTRUCTURE_VARIANTS = ['alone', 'slice'] as const;
export type RestructureVariant = (typeof RESTRUCTURE_VARIANTS)[number];

/** The pruner as the paper's Table 4 names it. */
export const PAPER_PRUNER_LABELS: Readonly<Record<string, string>> = {
  lamp: 'LAMP',
  global: 'Glob',
  'uniform-plus': 'Unif',
  erk: 'ERK',
};

/**
 * The paper's Table 4 (§5.3) for the settings we run: MLP-MNIST and MLP-FMNIST. The paper has no
 * LeNet-5 setting. Keyed by setting id, pruner name and variant.
 */
export const PAPER_TABLE4: Readonly<
  Record<string, Record<string, Record<RestructureVariant, PaperRestructureFigures>>>
> = {
  'mlp-mnist': {
    lamp: {
      alone: { compressionRate: 0.5217, iterations: 7, testAccuracy: 0.9826 },
      slice: { compressionRate: 0.5305, iterations: 5, testAccuracy: 0.9832 },
    },
    global: {
      alone: { compressionRate: 0.4095, iterations: 5, testAccuracy: 0.9831 },
      slice: { compressionRate: 0.4204, iterations: 3, testAccuracy: 0.9837 },
    },
    'uniform-plus': {
      alone: { compressionRate: 0.4095, iterations: 5, testAccuracy: 0.9834 },
      slice: { compressionRate: 0.4204, iterations: 3, testAccuracy: 0.9836 },
    },
    erk: {
      alone: { compressionRate: 0.3439, iterations: 4, testAccuracy: 0.983 },
      slice: { compressionRate: 0.4204, iterations: 3, testAccuracy: 0.9833 },
    },
  },
  'mlp-fashion-mnist': {
    lamp: {
      alone: { compressionRate: 0.3697, iterations: 9, testAccuracy: 0.9001 },
      slice: { compressionRate: 0.397, iterations: 8, testAccuracy: 0.9021 },
    },
    global: {
      alone: { compressionRate: 0.3366, iterations: 8, testAccuracy: 0.9009 },
      slice: { compressionRate: 0.3652, iterations: 7, testAccuracy: 0.9018 },
    },
    'uniform-plus': {
      alone: { compressionRate: 0.4013, iterations: 10, testAccuracy: 0.8981 },
      slice: { compressionRate: 0.4271, iterations: 9, testAccuracy: 0.8995 },
    },
    erk: {
      alone: { compressionRate: 0.3017, iterations: 7, testAccuracy: 0.9008 },
      slice: { compressionRate: 0.3318, iterations: 6, testAccuracy: 0.9024 },
    },
  },
};
