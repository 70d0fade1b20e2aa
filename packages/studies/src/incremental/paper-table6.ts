/** One cell group of the paper's Table 6: task A, task B and their mean, as shares. */
export interface PaperIncrementalFigures {
  taskA: number;
  taskB: number;
  mean: number;
}

/** A variant of the study: a strategy of the `incremental` maintainer with its options. */
export interface IncrementalVariant {
  /** Stable id used in checkpoints and CSV files, e.g. `replay-10`. */
  id: string;
  /** Label in tables, as the paper writes it, e.g. `Replay 10%`. */
  label: string;
  strategy: string;
  options: Record<string, unknown>;
}

/** Every row of Table 6, in the paper's order, with EWC (not in the paper) last. */
export const TABLE6_VARIANTS: readonly IncrementalVariant[] = [
  { id: 'retrain', label: 'Retrain', strategy: 'retrain', options: {} },
  { id: 'replay-5', label: 'Replay 5%', strategy: 'replay', options: { replay: 0.05 } },
  { id: 'replay-10', label: 'Replay 10%', strategy: 'replay', options: { replay: 0.1 } },
  { id: 'replay-100', label: 'Replay 100%', strategy: 'replay', options: { replay: 1 } },
  { id: 'deeparc', label: 'DeepArc', strategy: 'deeparc', options: {} },
  { id: 'neusemslice', label: 'NeuSemSlice', strategy: 'neusemslice', options: {} },
  {
    id: 'neusemslice+replay-10',
    label: 'NeuSemSlice+Replay 10%',
    strategy: 'neusemslice+replay',
    options: { replay: 0.1 },
  },
  { id: 'ewc', label: 'EWC', strategy: 'ewc', options: {} },
];

/**
 * The paper's Table 6 (§5.5), MLP columns (the settings we run; the paper has no LeNet-5 setting
 * and no EWC row). DeepArc is '/' there: it found no redundant layer in the MLP. Keyed by
 * setting id, then variant id; `original` is the model before task B.
 */
export const PAPER_TABLE6: Readonly<
  Record<string, Record<string, PaperIncrementalFigures | null>>
> = {
  'mlp-mnist': {
    original: { taskA: 0.9892, taskB: 0, mean: 0.4946 },
    retrain: { taskA: 0, taskB: 0.985, mean: 0.4925 },
    'replay-5': { taskA: 0.8754, taskB: 0.9832, mean: 0.9293 },
    'replay-10': { taskA: 0.9186, taskB: 0.9813, mean: 0.95 },
    'replay-100': { taskA: 0.972, taskB: 0.9748, mean: 0.9734 },
    deeparc: null,
    neusemslice: { taskA: 0.9889, taskB: 0.972, mean: 0.9804 },
    'neusemslice+replay-10': { taskA: 0.9894, taskB: 0.9717, mean: 0.9805 },
  },
  'mlp-fashion-mnist': {
    original: { taskA: 0.9744, taskB: 0, mean: 0.4872 },
    retrain: { taskA: 0.0278, taskB: 0.8328, mean: 0.4303 },
    'replay-5': { taskA: 0.8396, taskB: 0.8314, mean: 0.8355 },
    'replay-10': { taskA: 0.879, taskB: 0.832, mean: 0.8555 },
    'replay-100': { taskA: 0.9444, taskB: 0.8178, mean: 0.8811 },
    deeparc: null,
    neusemslice: { taskA: 0.9212, taskB: 0.8208, mean: 0.871 },
    'neusemslice+replay-10': { taskA: 0.9696, taskB: 0.819, mean: 0.8943 },
  },
};
