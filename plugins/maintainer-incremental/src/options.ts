import { checkInteger, checkNumberInRange, UsageError } from '@neusemslice/core';
import { OPTIMIZER_NAMES, type OptimizerName } from '@neusemslice/models';

export const PLUGIN = 'maintainer-incremental';

/** The strategies of the runner: NeuSemSlice, its combination with replay, and the baselines. */
export const INCREMENTAL_STRATEGIES = [
  'neusemslice',
  'retrain',
  'replay',
  'deeparc',
  'neusemslice+replay',
  'ewc',
] as const;
export type IncrementalStrategy = (typeof INCREMENTAL_STRATEGIES)[number];

export interface IncrementalOptions {
  strategy: IncrementalStrategy;
  /** Classes of the old task (default: the first ⌊classes/2⌋). */
  taskA: number[];
  /** Classes of the new task (default: the rest). Disjoint from taskA. */
  taskB: number[];
  /** Share of task A's training samples replayed (replay, neusemslice+replay), in (0, 1]. */
  replay: number;
  /** λ of EWC's penalty λ/2 Σ F (θ − θ*)². */
  ewcLambda: number;
  /** Task-A training samples the diagonal Fisher is averaged over. */
  fisherSamples: number;
  /** DeepArc: layer-similarity threshold and task-A samples per class it is measured on. */
  deeparcThreshold: number;
  deeparcPerClass: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  seed: number;
  /** Evaluate on the first n test samples of each task only; default all. */
  testSamples?: number;
}

export const INCREMENTAL_DEFAULTS = {
  replayNeuSemSlice: 0.1,
  replay: 0.1,
  ewcLambda: 1e6,
  fisherSamples: 500,
  deeparcThreshold: 0.99,
  deeparcPerClass: 100,
  epochs: 3,
  batchSize: 128,
  learningRate: 0.001,
  optimizer: 'adam' as OptimizerName,
  seed: 1,
};

const KNOWN_OPTIONS = new Set([
  'strategy',
  'taskA',
  'taskB',
  'replay',
  'ewcLambda',
  'fisherSamples',
  'deeparcThreshold',
  'deeparcPerClass',
  'epochs',
  'batchSize',
  'learningRate',
  'optimizer',
  'seed',
  'testSamples',
]);

function checkClassList(inputName: string, value: unknown, numClasses: number): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new UsageError(
      `${PLUGIN}: ${inputName} must be a non-empty array of class indices, got ${JSON.stringify(value)}`,
    );
  }
  for (const label of value) {
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new UsageError(
        `${PLUGIN}: ${inputName} holds class ${String(label)}, expected integers in 0 … ${numClasses - 1}`,
      );
    }
  }
  const distinct = [...new Set(value as number[])].sort((a, b) => a - b);
  if (distinct.length !== value.length) {
    throw new UsageError(`${PLUGIN}: ${inputName} repeats a class: ${JSON.stringify(value)}`);
  }
  return distinct;
}

/** The default split: task A the first ⌊n/2⌋ classes, task B the rest (the paper's). */
export function defaultTaskSplit(numClasses: number): { taskA: number[]; taskB: number[] } {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new UsageError(`${PLUGIN}: a task split needs at least 2 classes, got ${numClasses}`);
  }
  const half = Math.floor(numClasses / 2);
  return {
    taskA: Array.from({ length: half }, (_, label) => label),
    taskB: Array.from({ length: numClasses - half }, (_, offset) => half + offset),
  };
}

/** Throws a UsageError naming the shared classes when the two tasks overlap. */
export function checkDisjointTasks(taskA: readonly number[], taskB: readonly number[]): void {
  const inA = new Set(taskA);
  const shared = taskB.filter((label) => inA.has(label));
  if (shared.length > 0) {
    throw new UsageError(
      `${PLUGIN}: taskA and taskB must not share a class, both hold ${shared.join(', ')}`,
    );
  }
}

/** Checks the maintainer's options (unknown names are errors) and fills in the defaults. */
export function parseIncrementalOptions(
  options: Record<string, unknown> | undefined,
  numClasses: number,
): IncrementalOptions {
  const given = options ?? {};
  for (const name of Object.keys(given)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new UsageError(
        `${PLUGIN}: unknown option '${name}' (known: ${[...KNOWN_OPTIONS].join(', ')})`,
      );
    }
  }
  const strategy = (given.strategy ?? 'neusemslice') as IncrementalStrategy;
  if (!(INCREMENTAL_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new UsageError(
      `${PLUGIN}: strategy must be one of ${INCREMENTAL_STRATEGIES.join(' | ')}, got '${String(given.strategy)}'`,
    );
  }
  const split = defaultTaskSplit(numClasses);
  const taskA =
    given.taskA === undefined ? split.taskA : checkClassList('taskA', given.taskA, numClasses);
  const taskB =
    given.taskB === undefined ? split.taskB : checkClassList('taskB', given.taskB, numClasses);
  checkDisjointTasks(taskA, taskB);
  const optimizer = (given.optimizer ?? INCREMENTAL_DEFAULTS.optimizer) as OptimizerName;
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(optimizer)) {
    throw new UsageError(
      `${PLUGIN}: optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got '${String(given.optimizer)}'`,
    );
  }
  const named = (name: string) => `${PLUGIN}: ${name}`;
  const replay = checkNumberInRange(
    named('replay'),
    given.replay ??
      (strategy === 'neusemslice+replay'
        ? INCREMENTAL_DEFAULTS.replayNeuSemSlice
        : INCREMENTAL_DEFAULTS.replay),
    0,
    1,
  );
  if (replay === 0) throw new UsageError(`${PLUGIN}: replay must be in (0, 1], got 0`);
  const learningRate = checkNumberInRange(
    named('learningRate'),
    given.learningRate ?? INCREMENTAL_DEFAULTS.learningRate,
    0,
    10,
  );
  if (learningRate === 0) throw new UsageError(`${PLUGIN}: learningRate must be > 0, got 0`);
  return {
    strategy,
    taskA,
    taskB,
    replay,
    ewcLambda: checkNumberInRange(
      named('ewcLambda'),
      given.ewcLambda ?? INCREMENTAL_DEFAULTS.ewcLambda,
      0,
      1e12,
    ),
    fisherSamples: checkInteger(
      named('fisherSamples'),
      given.fisherSamples ?? INCREMENTAL_DEFAULTS.fisherSamples,
      1,
    ),
    deeparcThreshold: checkNumberInRange(
      named('deeparcThreshold'),
      given.deeparcThreshold ?? INCREMENTAL_DEFAULTS.deeparcThreshold,
      0,
      1,
    ),
    deeparcPerClass: checkInteger(
      named('deeparcPerClass'),
      given.deeparcPerClass ?? INCREMENTAL_DEFAULTS.deeparcPerClass,
      1,
    ),
    epochs: checkInteger(named('epochs'), given.epochs ?? INCREMENTAL_DEFAULTS.epochs, 1),
    batchSize: checkInteger(
      named('batchSize'),
      given.batchSize ?? INCREMENTAL_DEFAULTS.batchSize,
      1,
    ),
    learningRate,
    optimizer,
    seed: checkInteger(named('seed'), given.seed ?? INCREMENTAL_DEFAULTS.seed, 0),
    testSamples:
      given.testSamples === undefined
        ? undefined
        : checkInteger(named('testSamples'), given.testSamples, 1),
  };
}

/** Parses `0-4`, `5,7,9` or `0-2,8` into sorted distinct class indices. */
export function parseClassList(text: string, inputName = 'classes'): number[] {
  const labels: number[] = [];
  for (const part of text.split(',').map((item) => item.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from > to) {
        throw new UsageError(`${inputName}: range '${part}' runs backwards, write ${to}-${from}`);
      }
      for (let label = from; label <= to; label++) labels.push(label);
    } else if (/^\d+$/.test(part)) {
      labels.push(Number(part));
    } else {
      throw new UsageError(
        `${inputName} must be a range or comma list of class indices such as 0-4 or 5,7,9, got '${text}'`,
      );
    }
  }
  return [...new Set(labels)].sort((a, b) => a - b);
}
