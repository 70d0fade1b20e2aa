import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkInteger,
  checkNumberInRange,
  countKeptParameters,
  evaluateAccuracy,
  type LabeledDataset,
  listComponents,
  type Metric,
  type NeuronModel,
  type ProgressEvent,
  type ProgressListener,
  resolveComponent,
  type ScoresPerLayer,
  scorePerCategory,
  type Slicer,
  UsageError,
  weightOwnership,
  writeFileAtomic,
} from '@neusemslice/core';
import type { DependencyContainer } from 'tsyringe';
import { ANY_METRIC, fig5Csv, fig5Svg } from './curve-report';
import {
  checkShares,
  type CurvePoint,
  keepRatiosToReach,
  measureSlice,
  sliceCompressionRate,
  slicesForValues,
} from './curves';
import { compareWithBaselines } from './interpolation';
import { type Band, type PilotRow, runPilot } from './pilot';
import { pilotCsv, pilotMarkdown } from './pilot-report';
import { slugify, type StudyProvenance } from './provenance';
import {
  checkMaskFill,
  DEFAULT_MASK_FILL,
  type MaskFill,
  neuronMeans,
} from './rq1/masked-evaluation';
import { RandomBaselines } from './rq1/random-baseline';
import { CheckpointStore } from './shared/checkpoint-store';
import { keepRatiosAdded, type SemanticCheckRow, summaryMarkdown } from './summary-report';

/** The pilot bands of paper Tables 1–3: top 0–10%, 10–20%, …, 40–50%. */
export const DEFAULT_BANDS: readonly Band[] = [
  [0, 0.1],
  [0.1, 0.2],
  [0.2, 0.3],
  [0.3, 0.4],
  [0.4, 0.5],
];
/** k = 10%, 20%, …, 100% (paper §5.2). */
export const DEFAULT_KEEP_RATIOS: readonly number[] = Array.from(
  { length: 10 },
  (_, i) => (i + 1) / 10,
);
/**
 * k = 9%, 8%, …, 1%: tried below the paper's grid for a baseline only while a semantic slice
 * compresses beyond that baseline's k = 10% point (else the point has no baseline to compare with).
 */
export const DEFAULT_EXTRA_KEEP_RATIOS: readonly number[] = Array.from(
  { length: 9 },
  (_, i) => (9 - i) / 100,
);
/** Θ = 0.90, 0.91, …, 0.99 (paper §5.2). */
export const DEFAULT_THETAS: readonly number[] = Array.from(
  { length: 10 },
  (_, i) => (90 + i) / 100,
);

/** The baseline slicers of Figure 5 and the option each sweeps (when the slicer names none). */
const SWEPT_SLICERS = [
  { name: 'global', option: 'keepRatio', values: 'keepRatios' },
  { name: 'category-wise', option: 'keepRatio', values: 'keepRatios' },
  { name: 'semantic', option: 'theta', values: 'thetas' },
] as const;
const DEEPARC = 'deeparc';

export interface MaskingStudyOptions {
  /** Holds the metrics and slicers, registered by name (`global`, `category-wise`, `semantic`, optionally `deeparc`). */
  container: DependencyContainer;
  model: NeuronModel;
  /** e.g. 'MLP-MNIST'; names the output files (slugged) and titles. */
  modelLabel: string;
  /** The data to score and slice on: a per-class subset of the training set. */
  slicingData: LabeledDataset;
  testData: LabeledDataset;
  /** Metric names, e.g. ['avg', 'var', 'ens', 'deeplift', 'taylor']. */
  metrics: string[];
  /** Pilot rank bands; default DEFAULT_BANDS. */
  bands?: [number, number][];
  /** Global and category-wise keep ratios; default 0.1 … 1.0. */
  keepRatios?: number[];
  /**
   * Keep ratios below `keepRatios` that global and category-wise are measured at too, each only
   * when needed: after the semantic sweep of a metric, in descending k, until that baseline
   * compresses as far as the furthest semantic point. Default DEFAULT_EXTRA_KEEP_RATIOS
   * (0.09 … 0.01); [] keeps the grid alone.
   */
  extraKeepRatios?: number[];
  /** Semantic thresholds Θ; default 0.90 … 0.99. */
  thetas?: number[];
  /** DeepArc's layer-similarity threshold; default 0.99 (paper §5.2). */
  deepArcThreshold?: number;
  /** Fixed options per slicer name, e.g. { semantic: { features: 'flattened' } }. */
  slicerOptions?: Record<string, Record<string, unknown>>;
  /** Semantic passes when its accuracy ≥ the better baseline's − tolerance; default 0. */
  tolerance?: number;
  /** Samples per batch; default 128. */
  batchSize?: number;
  /**
   * Random slices drawn beside every slice, with its per-layer sizes (mean ± std of their
   * accuracy: the chance baseline); default 5, 0 for none.
   */
  randomDraws?: number;
  /**
   * What a dropped neuron outputs in every masked evaluation of the curves: its mean over the
   * slicing data (default; chosen by the RQ1 option study) or 0 (`'zero'`, plain masking as in
   * the paper's pilot study).
   */
  fill?: MaskFill;
  /** The folder the five output files are written to. */
  outDir: string;
  onProgress?: ProgressListener;
  /** Recorded in every output for reproducibility. */
  command?: string;
  seed?: number;
  backend?: string;
  /**
   * Reuse the metrics an interrupted run of the same configuration finished (recorded in a
   * hidden checkpoint file in `outDir`, removed once the outputs are written). Default true;
   * false starts over.
   */
  resume?: boolean;
}

export interface MaskingStudyFiles {
  pilotCsv: string;
  pilotMarkdown: string;
  fig5Csv: string;
  fig5Svg: string;
  summary: string;
}

export interface MaskingStudyResult {
  provenance: StudyProvenance;
  /** Test accuracy without masks. */
  baseAccuracy: number;
  /** Cells of the paper's Tables 1–3, with trends against the previous band. */
  pilot: PilotRow[];
  /** Dots of Figure 5. */
  points: CurvePoint[];
  /** Semantic against the better baseline at each (metric, Θ). */
  checks: SemanticCheckRow[];
  /** Paths of the written files. */
  files: MaskingStudyFiles;
  elapsedSeconds: number;
}

function checkBands(bands: readonly (readonly [number, number])[]): void {
  if (bands.length === 0) throw new UsageError('bands must not be empty');
  for (const band of bands) {
    if (
      !Array.isArray(band) ||
      band.length !== 2 ||
      !(band[0] >= 0 && band[0] < band[1] && band[1] <= 1)
    ) {
      throw new UsageError(
        `bands must hold pairs [from, to] with 0 ≤ from < to ≤ 1, got ${JSON.stringify(band)}`,
      );
    }
  }
}

/** File names of a study's outputs: `masking-<model slug>-<part>`. */
export function maskingStudyFileNames(modelLabel: string): Record<keyof MaskingStudyFiles, string> {
  const prefix = `masking-${slugify(modelLabel)}-`;
  return {
    pilotCsv: `${prefix}pilot.csv`,
    pilotMarkdown: `${prefix}pilot.md`,
    fig5Csv: `${prefix}fig5.csv`,
    fig5Svg: `${prefix}fig5.svg`,
    summary: `${prefix}summary.md`,
  };
}

function rangeText(values: readonly number[], format: (value: number) => string): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 1
    ? format(sorted[0])
    : `${format(sorted[0])} … ${format(sorted[sorted.length - 1])}`;
}

function parameterText(name: string, value: number): string {
  return name === 'theta' ? `Θ=${value}` : name === 'keepRatio' ? `k=${value}` : `${name}=${value}`;
}

/**
 * The masking study of paper §3.1 and §5.2 (RQ1): the pilot Tables 1–3 for each metric, the
 * accuracy/compression points of Figure 5 for global, category-wise and semantic slicing (and
 * DeepArc when registered), and the check that semantic slicing beats the better baseline at
 * the same compression rate. Writes pilot.csv/.md, fig5.csv/.svg and summary.md to `outDir`.
 */
export async function runMaskingStudy(options: MaskingStudyOptions): Promise<MaskingStudyResult> {
  const startedAt = Date.now();
  const { container, model, slicingData, testData, onProgress } = options;
  const rawBands: readonly (readonly [number, number])[] = options.bands ?? DEFAULT_BANDS;
  checkBands(rawBands);
  const bands: Band[] = rawBands.map((band) => [band[0], band[1]] as const);
  const keepRatios = options.keepRatios ?? [...DEFAULT_KEEP_RATIOS];
  const thetas = options.thetas ?? [...DEFAULT_THETAS];
  checkShares('keepRatios', keepRatios);
  checkShares('thetas', thetas);
  const extraCandidates = options.extraKeepRatios ?? DEFAULT_EXTRA_KEEP_RATIOS;
  if (extraCandidates.length > 0) checkShares('extraKeepRatios', extraCandidates);
  // Only those below the grid can extend it; descending, the order they are tried in.
  const extraKeepRatios = [...new Set(extraCandidates)]
    .filter((value) => value < Math.min(...keepRatios))
    .sort((a, b) => b - a);
  const deepArcThreshold = checkNumberInRange(
    'deepArcThreshold',
    options.deepArcThreshold ?? 0.99,
    0,
    1,
  );
  const tolerance = checkNumberInRange('tolerance', options.tolerance ?? 0, 0, 1);
  const batchSize = checkInteger('batchSize', options.batchSize ?? 128);
  const randomDraws = checkInteger('randomDraws', options.randomDraws ?? 5, 0);
  const fill = checkMaskFill(options.fill ?? DEFAULT_MASK_FILL);
  if (options.metrics.length === 0) throw new UsageError('metrics must name at least one metric');
  if (options.modelLabel.trim() === '') throw new UsageError('modelLabel must not be empty');
  const metrics: Metric[] = options.metrics.map((name) =>
    resolveComponent(container, 'metric', name),
  );
  const slicers = SWEPT_SLICERS.map((spec) => {
    const slicer: Slicer = resolveComponent(container, 'slicer', spec.name);
    const baseline = spec.values === 'keepRatios';
    return {
      slicer,
      option: slicer.sweepOption ?? spec.option,
      values: baseline ? keepRatios : thetas,
      baseline,
    };
  });
  // The semantic slicer sweeps first (see the loop below); the baselines after it.
  const sweepOrder = [...slicers].sort((a, b) => Number(a.baseline) - Number(b.baseline));
  const deepArc = listComponents(container, 'slicer').find((slicer) => slicer.name === DEEPARC);
  const slicerOptions = (name: string) => ({ ...(options.slicerOptions?.[name] ?? {}) });

  const provenance: StudyProvenance = {
    command: options.command ?? 'runMaskingStudy (library call)',
    seed: options.seed,
    backend: options.backend,
    date: new Date(startedAt).toISOString(),
    modelLabel: options.modelLabel,
  };

  // Finished points survive a crash: each metric (and DeepArc) is recorded when done.
  const store = openCheckpoint(options, {
    fingerprint: model.fingerprint(),
    bands,
    keepRatios,
    extraKeepRatios,
    thetas,
    deepArcThreshold,
    deepArc: deepArc !== undefined,
    slicerOptions: options.slicerOptions ?? {},
    slicingData: { name: slicingData.name, size: slicingData.size, seed: options.seed },
    testData: { name: testData.name, size: testData.size },
    batchSize,
    randomDraws,
    fill,
  });

  // Progress: one step per masked evaluation, so the total is known up front.
  // The pilot's categories: those with slicing samples (scored) and test samples (evaluated).
  const testLabels = new Set(testData.labels());
  const categoryCount = [...new Set(slicingData.labels())].filter((c) => testLabels.has(c)).length;
  const stepsPerMetric =
    bands.length * (1 + categoryCount) + slicers.reduce((sum, s) => sum + s.values.length, 0);
  // Grows by the keep ratios added below the grid (known only once the semantic points are).
  let totalSteps = 1 + metrics.length * stepsPerMetric + (deepArc ? 1 : 0);
  let doneSteps = 0;
  const step = (task: string) => {
    doneSteps++;
    onProgress?.({ task, done: doneSteps, total: totalSteps });
  };
  const forward = (prefix: string) =>
    onProgress
      ? (event: ProgressEvent) => onProgress({ ...event, task: `${prefix} ${event.task}` })
      : undefined;

  const ownership = weightOwnership(model);
  const parameters = countKeptParameters(ownership, {}).total;
  const { accuracy: baseAccuracy } = await evaluateAccuracy(model, testData, { batchSize });
  step('study: accuracy without masks');
  const means = fill === 'mean' ? await neuronMeans(model, slicingData, batchSize) : undefined;
  const random =
    randomDraws > 0
      ? new RandomBaselines(model, testData, {
          draws: randomDraws,
          seed: options.seed ?? 1,
          batchSize,
          means,
        })
      : undefined;

  const pilot: PilotRow[] = [];
  const points: CurvePoint[] = [];
  for (const metric of metrics) {
    const finished = store.get(`metric ${metric.name}`);
    if (finished) {
      pilot.push(...finished.pilot);
      points.push(...finished.points);
      doneSteps += stepsPerMetric - 1;
      step(`study: ${metric.name} (finished by an earlier run)`);
      continue;
    }
    const pilotStart = pilot.length;
    const pointsStart = points.length;
    // Scored once on all of D and once per category; the pilot reuses both (slicers rescore).
    const globalScores: ScoresPerLayer = await metric.score(model, slicingData, {
      batchSize,
      onProgress: forward(`study: ${metric.name}`),
    });
    const categoryScores = await scorePerCategory(metric, model, slicingData, {
      batchSize,
      onProgress: forward(`study: ${metric.name} per category`),
    });
    pilot.push(
      ...(await runPilot({
        model,
        metric: metric.name,
        globalScores,
        categoryScores,
        testData,
        bands,
        batchSize,
        onStep: step,
      })),
    );

    // Semantic first: how far its slices compress decides which k below the grid the baselines
    // need, so every semantic point has a baseline measured at its compression rate.
    const pointsBySlicer = new Map<string, CurvePoint[]>();
    let semanticCompression = 0;
    for (const { slicer, option, values, baseline } of sweepOrder) {
      const request = {
        model,
        data: slicingData,
        metric,
        options: slicerOptions(slicer.name),
        batchSize,
        onProgress: forward(`study: ${metric.name} ${slicer.name}`),
      };
      // One sweep (one scoring pass) for the grid and the candidates below it.
      const extras = baseline ? extraKeepRatios : [];
      const slices = await slicesForValues(slicer, request, option, [...values, ...extras]);
      const swept = values.map((value, index) => ({ value, slice: slices[index] }));
      if (extras.length > 0) {
        const candidates = extras.map((keepRatio, index) => ({
          keepRatio,
          slice: slices[values.length + index],
          compressionRate: sliceCompressionRate(model, ownership, slices[values.length + index]),
        }));
        const reached = Math.max(
          ...swept.map(({ slice }) => sliceCompressionRate(model, ownership, slice)),
        );
        const added = keepRatiosToReach(candidates, reached, semanticCompression);
        swept.unshift(
          ...candidates
            .filter((candidate) => added.includes(candidate.keepRatio))
            .sort((x, y) => x.keepRatio - y.keepRatio)
            .map((candidate) => ({ value: candidate.keepRatio, slice: candidate.slice })),
        );
        totalSteps += added.length;
      }
      const own: CurvePoint[] = [];
      for (const { value, slice } of swept) {
        const measured = await measureSlice(model, ownership, slice, testData, batchSize, means);
        const chance = await random?.at(slice.critical);
        own.push({
          metric: metric.name,
          slicer: slicer.name,
          parameterName: option,
          parameter: value,
          ...measured,
          ...(chance ? { randomMean: chance.accuracyMean, randomStd: chance.accuracyStd } : {}),
        });
        step(`study: ${metric.name} ${slicer.name} ${parameterText(option, value)}`);
      }
      if (!baseline)
        semanticCompression = Math.max(0, ...own.map((point) => point.compressionRate));
      pointsBySlicer.set(slicer.name, own);
    }
    // Written in the figure's order: global, category-wise, semantic.
    for (const { slicer } of slicers) points.push(...(pointsBySlicer.get(slicer.name) ?? []));
    store.set(`metric ${metric.name}`, {
      pilot: pilot.slice(pilotStart),
      points: points.slice(pointsStart),
    });
  }

  const deepArcDone = store.get(DEEPARC);
  if (deepArc && deepArcDone) {
    points.push(...deepArcDone.points);
    step(`study: deeparc (finished by an earlier run)`);
  } else if (deepArc) {
    // Metric-independent: one point for all metrics. The request still needs a metric.
    const slice = await deepArc.slice({
      model,
      data: slicingData,
      metric: metrics[0],
      options: { ...slicerOptions(DEEPARC), threshold: deepArcThreshold },
      batchSize,
      onProgress: forward('study: deeparc'),
    });
    const measured = await measureSlice(model, ownership, slice, testData, batchSize, means);
    points.push({
      metric: ANY_METRIC,
      slicer: DEEPARC,
      parameterName: 'threshold',
      parameter: deepArcThreshold,
      ...measured,
    });
    step(`study: deeparc threshold=${deepArcThreshold}`);
    store.set(DEEPARC, { pilot: [], points: points.slice(-1) });
  }

  const checks: SemanticCheckRow[] = [];
  for (const metric of metrics) {
    const of = (slicer: string) =>
      points.filter((point) => point.metric === metric.name && point.slicer === slicer);
    const baselines = { global: of('global'), categoryWise: of('category-wise') };
    for (const point of of('semantic')) {
      checks.push({
        metric: metric.name,
        theta: point.parameter,
        ...compareWithBaselines(point, baselines, tolerance),
        randomMean: point.randomMean,
        randomStd: point.randomStd,
      });
    }
  }

  const names = maskingStudyFileNames(options.modelLabel);
  const files: MaskingStudyFiles = {
    pilotCsv: path.join(options.outDir, names.pilotCsv),
    pilotMarkdown: path.join(options.outDir, names.pilotMarkdown),
    fig5Csv: path.join(options.outDir, names.fig5Csv),
    fig5Svg: path.join(options.outDir, names.fig5Svg),
    summary: path.join(options.outDir, names.summary),
  };
  const metricNames = metrics.map((metric) => metric.name);
  const elapsedSeconds = (Date.now() - startedAt) / 1000;
  writeFileAtomic(files.pilotCsv, pilotCsv(pilot, provenance));
  writeFileAtomic(
    files.pilotMarkdown,
    pilotMarkdown(pilot, {
      provenance,
      metrics: metricNames,
      bands,
      classNames: testData.classNames,
    }),
  );
  writeFileAtomic(files.fig5Csv, fig5Csv(points, provenance));
  writeFileAtomic(
    files.fig5Svg,
    fig5Svg(points, {
      provenance,
      metrics: metricNames,
      baseAccuracy,
      subtitle:
        `global / category-wise: top k = ${rangeText(keepRatios, (k) => `${Math.round(k * 1000) / 10}%`)} of each layer / category` +
        (keepRatiosAdded(points, keepRatios).some(
          (row) => row.global.length + row.categoryWise.length > 0,
        )
          ? ' (and smaller k where semantic slices compressed further)'
          : '') +
        '; ' +
        `semantic: Θ = ${rangeText(thetas, (theta) => theta.toFixed(2))}` +
        (deepArc ? `; DeepArc ★: threshold ${deepArcThreshold}` : '') +
        (randomDraws > 0
          ? `; band: random slices of the semantic slices' per-layer sizes, mean ± std of ${randomDraws} draws`
          : '') +
        (fill === 'mean' ? '; dropped neurons output their mean' : ''),
    }),
  );
  writeFileAtomic(
    files.summary,
    summaryMarkdown({
      provenance,
      model: { neuronLayers: model.neuronLayers, parameters },
      slicingData: { name: slicingData.name, size: slicingData.size },
      testData: { name: testData.name, size: testData.size },
      baseAccuracy,
      metrics: metricNames,
      bands,
      keepRatios,
      thetas,
      tolerance,
      randomDraws,
      fill,
      checks,
      pilot,
      points,
      files: {
        'pilot tables': names.pilotMarkdown,
        'pilot data': names.pilotCsv,
        'Figure 5 data': names.fig5Csv,
        'Figure 5 chart': names.fig5Svg,
      },
      elapsedSeconds,
    }),
  );
  // The outputs are complete: the checkpoint has served its purpose.
  fs.rmSync(checkpointPath(options), { force: true });
  return { provenance, baseAccuracy, pilot, points, checks, files, elapsedSeconds };
}

/** What the checkpoint keeps of a finished metric (or of DeepArc). */
interface FinishedPoints {
  pilot: PilotRow[];
  points: CurvePoint[];
}

/** The hidden checkpoint file of a study's run in its output folder. */
function checkpointPath(options: MaskingStudyOptions): string {
  return path.join(
    options.outDir,
    `.${maskingStudyFileNames(options.modelLabel).summary}.checkpoint.json`,
  );
}

/**
 * The checkpoint of this configuration: points an interrupted run finished are reused; a
 * checkpoint of another configuration gives a UsageError (CheckpointStore) unless resume is off.
 */
function openCheckpoint(
  options: MaskingStudyOptions,
  configuration: Record<string, unknown>,
): CheckpointStore<FinishedPoints> {
  const file = checkpointPath(options);
  if (options.resume === false) fs.rmSync(file, { force: true });
  return new CheckpointStore<FinishedPoints>(
    file,
    JSON.stringify({ modelLabel: options.modelLabel, ...configuration }),
  );
}
