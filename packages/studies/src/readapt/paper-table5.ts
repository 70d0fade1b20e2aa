/** One cell group of the paper's Table 5 (shares in [0, 1]). */
export interface PaperReadaptFigures {
  tpr: number;
  ra: number;
  raa: number;
}

/** The four strategies of Table 5, by the `readapt` maintainer's names, in the paper's order. */
export const TABLE5_STRATEGIES = ['full', 'deeparc', 'neusemslice', 'neusemslice+deeparc'] as const;
export type Table5Strategy = (typeof TABLE5_STRATEGIES)[number];

/** The strategies as the paper's Table 5 names them. */
export const PAPER_STRATEGY_LABELS: Readonly<Record<Table5Strategy, string>> = {
  full: 'Fully Training',
  deeparc: 'DeepArc',
  neusemslice: 'NeuSemSlice',
  'neusemslice+deeparc': 'NeuSemSlice+DeepArc',
};

const row = (tpr: number, ra: number, raa: number): PaperReadaptFigures => ({ tpr, ra, raa });

/**
 * The paper's Table 5 (§5.4) for the settings we run: MLP-MNIST and MLP-FMNIST (the paper has no
 * LeNet-5 setting). Keyed by setting id, attack and strategy.
 */
export const PAPER_TABLE5: Readonly<
  Record<string, Record<string, Record<Table5Strategy, PaperReadaptFigures>>>
> = {
  'mlp-mnist': {
    fgsm: {
      full: row(1, 1, 0.142),
      deeparc: row(0.7501, 1, 0.134),
      neusemslice: row(0.2674, 1, 0.181),
      'neusemslice+deeparc': row(0.2417, 1, 0.212),
    },
    pgd: {
      full: row(1, 1, 0.14),
      deeparc: row(0.7501, 1, 0.12),
      neusemslice: row(0.2674, 1, 0.129),
      'neusemslice+deeparc': row(0.2417, 1, 0.126),
    },
  },
  'mlp-fashion-mnist': {
    fgsm: {
      full: row(1, 0.9825, 0.101),
      deeparc: row(0.7501, 0.9718, 0.112),
      neusemslice: row(0.4926, 0.9772, 0.114),
      'neusemslice+deeparc': row(0.4029, 0.98, 0.115),
    },
    pgd: {
      full: row(1, 0.979, 0.06),
      deeparc: row(0.7501, 0.9737, 0.072),
      neusemslice: row(0.4926, 0.979, 0.058),
      'neusemslice+deeparc': row(0.4029, 0.9792, 0.081),
    },
  },
};
