import {
  assertSliceFitsLayers,
  firstSamples,
  assertSliceMatchesModel,
  resolveComponent,
  sliceSize,
} from '@neusemslice/core';
import { samplePerClass } from '@neusemslice/data';
import {
  classAccuracySpec,
  classOverlapSpec,
  criticalSharesSpec,
  layerSizesSpec,
  sliceChangesSpec,
  sweepAccuracySpec,
  sweepSizeSpec,
} from './chart-specs';
import { classAccuracies, type ClassAccuracyResult } from './class-accuracy';
import { renderReportHtml, type ReportSection } from './html-page';
import { checkReportOptions, type SliceReportOptions } from './report-options';
import {
  classOverlap,
  criticalSharesPerClass,
  layerSizes,
  type ClassOverlapRow,
  type CriticalShareRow,
  type LayerSizeRow,
} from './slice-composition';
import { compareSlices, type SliceChangeRow } from './slice-diff';
import {
  DEFAULT_SWEEP_VALUES,
  sweepAccuracy,
  sweepBaseOptions,
  type SweepPointRow,
} from './sweep-accuracy';

/** Everything the report's charts are drawn from, for tests, JSON summaries and other renderers. */
export interface SliceReportFigures {
  title: string;
  modelName: string;
  metric: string;
  slicer: string;
  /** The slicer options that made the slice, without its diagnostics. */
  sliceOptions: Record<string, unknown>;
  criticalNeurons: number;
  totalNeurons: number;
  layerSizes: LayerSizeRow[];
  /** Empty when the slice has no per-class sets. */
  criticalShares: CriticalShareRow[];
  /** Empty when the slice has no per-class sets. */
  classOverlap: ClassOverlapRow[];
  /** The swept option (`theta` for the semantic slicer), when the sweep ran. */
  sweepOption?: string;
  sweep: SweepPointRow[];
  classAccuracy: ClassAccuracyResult;
  /** Per layer, from the report's slice to the compared one (absent without `compare`). */
  changes?: SliceChangeRow[];
  testSamples: number;
  sweepSamples: number;
  randomDraws: number;
  seed: number;
  /** Why a section is partly or wholly empty, by section id. */
  notes: Record<string, string[]>;
}

export interface SliceReport {
  /** One self-contained HTML page (scripts and data inline; no network needed to view it). */
  html: string;
  figures: SliceReportFigures;
}

function percent(share: number | undefined): string {
  return share === undefined || !Number.isFinite(share) ? '—' : `${(100 * share).toFixed(2)}%`;
}

function describeOptions(options: Record<string, unknown>): string {
  const entries = Object.entries(options).filter(([, value]) => typeof value !== 'object');
  return entries.length > 0
    ? entries.map(([name, value]) => `${name} = ${String(value)}`).join(', ')
    : 'none';
}

function sweepLabel(option: string): string {
  return option === 'theta' ? 'Θ (CKA threshold)' : option;
}

/**
 * Builds the slice report: computes the figures (masked accuracies on the first `testSamples`
 * test samples, a sweep of the slicer's option on `sweepPerClass` training samples per class,
 * random slices of the same sizes, per-class accuracies, changes to a second slice) and renders
 * them as one self-contained HTML page of Vega-Lite charts.
 */
export async function buildSliceReport(options: SliceReportOptions): Promise<SliceReport> {
  const checked = checkReportOptions(options);
  const { model, slice, container } = options;
  assertSliceMatchesModel(slice, model);
  if (options.compare) assertSliceFitsLayers(options.compare, model);
  const metric = resolveComponent(container, 'metric', slice.metric);
  const slicer = resolveComponent(container, 'slicer', slice.slicer);
  const testData = firstSamples(options.testData, checked.testSamples);
  const classNames = options.testData.classNames;
  const notes: Record<string, string[]> = {
    composition: [],
    overlap: [],
    sweep: [],
    accuracy: [],
    changes: [],
  };

  // Sweep: one scan of the slicer, then the test accuracy of each slice and of random ones.
  let sweep: SweepPointRow[] = [];
  const sweepOption = slicer.sweepOption;
  let sweepSamples = 0;
  if (!options.trainData) {
    notes.sweep.push('no training data was given, so the sweep was not run');
  } else if (!slicer.sweep || !sweepOption) {
    notes.sweep.push(`the '${slicer.name}' slicer has no sweep, so this section is empty`);
  } else {
    const values = checked.sweepValues ?? DEFAULT_SWEEP_VALUES[sweepOption];
    if (!values) {
      notes.sweep.push(
        `no default values to sweep '${sweepOption}'; pass sweepValues to draw this section`,
      );
    } else {
      const sweepData = samplePerClass(options.trainData, checked.sweepPerClass, checked.seed);
      sweepSamples = sweepData.size;
      const outcome = await sweepAccuracy({
        model,
        slicer,
        metric,
        baseOptions: sweepBaseOptions(slice, sweepOption),
        values,
        sweepData,
        testData,
        randomDraws: checked.randomDraws,
        seed: checked.seed,
        batchSize: checked.batchSize,
        onProgress: options.onProgress,
      });
      if ('note' in outcome) notes.sweep.push(outcome.note);
      else sweep = outcome.rows;
      const ownValue = slice.options[sweepOption];
      const ownPoint = sweep.find((row) => row.value === ownValue);
      const ownSize = sliceSize(slice).critical;
      if (ownPoint && ownPoint.critical !== ownSize) {
        notes.sweep.push(
          `the sweep slices on a smaller sample than the slice did, so at ${sweepOption} = ${String(ownValue)} it keeps ${ownPoint.critical} neurons where the slice keeps ${ownSize}`,
        );
      }
    }
  }

  const classAccuracy = await classAccuracies({
    model,
    slice,
    testData,
    container,
    batchSize: checked.batchSize,
  });
  if (classAccuracy.restructureNote) notes.accuracy.push(classAccuracy.restructureNote);

  const size = sliceSize(slice);
  const sliceOptions = sweepBaseOptions(slice, '');
  const figures: SliceReportFigures = {
    title: options.title ?? `Slice report: ${slice.model.modelName}`,
    modelName: slice.model.modelName,
    metric: slice.metric,
    slicer: slice.slicer,
    sliceOptions,
    criticalNeurons: size.critical,
    totalNeurons: size.total,
    layerSizes: layerSizes(slice),
    criticalShares: criticalSharesPerClass(slice, classNames),
    classOverlap: classOverlap(slice, classNames),
    sweepOption: sweep.length > 0 ? sweepOption : undefined,
    sweep,
    classAccuracy,
    changes: options.compare ? compareSlices(slice, options.compare) : undefined,
    testSamples: testData.size,
    sweepSamples,
    randomDraws: checked.randomDraws,
    seed: checked.seed,
    notes,
  };
  if (!slice.perCategory) {
    notes.composition.push(
      `the '${slice.slicer}' slicer keeps no per-class sets: only the per-layer sizes are shown`,
    );
    notes.overlap.push(
      `the '${slice.slicer}' slicer keeps no per-class sets, so classes cannot be compared`,
    );
  }
  return { html: renderReportHtml(reportPage(figures, options)), figures };
}

function reportPage(figures: SliceReportFigures, options: SliceReportOptions) {
  const layerNames = figures.layerSizes.map((row) => row.layer);
  const sections: ReportSection[] = [
    {
      id: 'composition',
      title: 'Critical neurons per layer and class',
      intro:
        'For each neuron layer, the share of its neurons that are critical: for each class (the heat map) and for the slice as a whole, the union over classes (the bars).',
      charts: [
        ...(figures.criticalShares.length > 0
          ? [{ id: 'chart-critical-shares', spec: criticalSharesSpec(figures.criticalShares) }]
          : []),
        { id: 'chart-layer-sizes', spec: layerSizesSpec(figures.layerSizes) },
      ],
      notes: figures.notes.composition,
    },
    {
      id: 'overlap',
      title: 'Overlap of the classes’ slices',
      intro:
        'Jaccard index |A ∩ B| / |A ∪ B| of the critical sets of two classes, over all layers or in one layer (choose below the chart). Low overlap means the classes rely on different neurons.',
      charts:
        figures.classOverlap.length > 0
          ? [
              {
                id: 'chart-class-overlap',
                spec: classOverlapSpec(figures.classOverlap, layerNames),
              },
            ]
          : [],
      notes: figures.notes.overlap,
    },
    {
      id: 'sweep',
      title: `Slice size and accuracy against ${figures.sweepOption ? sweepLabel(figures.sweepOption) : 'the slicer’s option'}`,
      intro: `The slicer re-run at several values of its option on ${figures.sweepSamples} training samples (${options.sweepPerClass ?? 100} per class), each slice kept and every other neuron masked, on ${figures.testSamples} test samples. The dashed line marks this slice. The grey band: ${figures.randomDraws} random slices of the same size per layer (mean ± std, seed ${figures.seed}).`,
      charts:
        figures.sweep.length > 0 && figures.sweepOption
          ? [
              {
                id: 'chart-sweep-accuracy',
                spec: sweepAccuracySpec(
                  figures.sweep,
                  sweepLabel(figures.sweepOption),
                  typeof figures.sliceOptions[figures.sweepOption] === 'number'
                    ? (figures.sliceOptions[figures.sweepOption] as number)
                    : undefined,
                ),
              },
              {
                id: 'chart-sweep-size',
                spec: sweepSizeSpec(figures.sweep, sweepLabel(figures.sweepOption)),
              },
            ]
          : [],
      notes: figures.notes.sweep,
    },
    {
      id: 'accuracy',
      title: 'Per-class accuracy',
      intro: `Test accuracy per class on ${figures.testSamples} test samples: the original model, the model with every neuron outside the slice masked, and the restructured model (only the slice’s neurons, physically removed).`,
      charts: [{ id: 'chart-class-accuracy', spec: classAccuracySpec(figures.classAccuracy.rows) }],
      facts: [
        ['original', percent(figures.classAccuracy.overall.original)],
        ['masked', percent(figures.classAccuracy.overall.masked)],
        ['restructured', percent(figures.classAccuracy.overall.restructured)],
        ...(figures.classAccuracy.restructureFigures?.compressionRate !== undefined
          ? ([
              [
                'parameters (restructured)',
                `${figures.classAccuracy.restructureFigures.parametersBefore} → ${figures.classAccuracy.restructureFigures.parametersAfter} (compression ${percent(figures.classAccuracy.restructureFigures.compressionRate)})`,
              ],
            ] as [string, string][])
          : []),
      ],
      notes: figures.notes.accuracy,
    },
  ];
  if (figures.changes && options.compare) {
    sections.push({
      id: 'changes',
      title: 'What changed between the two slices',
      intro: `Per layer, from this slice (${figures.slicer}, ${describeOptions(figures.sliceOptions)}) to the compared one (${options.compare.slicer}, ${describeOptions(sweepBaseOptions(options.compare, ''))}): neurons kept in both, gained (only in the second) and lost (only in the first).`,
      charts: [{ id: 'chart-slice-changes', spec: sliceChangesSpec(figures.changes) }],
      notes:
        options.compare.model.weightsSha256 !== options.slice.model.weightsSha256
          ? ['the compared slice was made for other weights of the same architecture']
          : [],
    });
  }
  return {
    title: figures.title,
    subtitle: `${figures.metric} metric, ${figures.slicer} slicer (${describeOptions(figures.sliceOptions)}): ${figures.criticalNeurons} of ${figures.totalNeurons} neurons critical`,
    facts: [
      ['model', figures.modelName],
      ['neuron layers', figures.layerSizes.map((row) => `${row.layer} (${row.units})`).join(', ')],
      ['metric / slicer', `${figures.metric} / ${figures.slicer}`],
      ['slicer options', describeOptions(figures.sliceOptions)],
      [
        'critical neurons',
        `${figures.criticalNeurons} of ${figures.totalNeurons} (${percent(figures.criticalNeurons / figures.totalNeurons)})`,
      ],
      ['slice made', options.slice.createdAt],
      ['test samples', `${figures.testSamples} (${options.testData.name})`],
    ] as [string, string][],
    sections,
    commandLine: options.commandLine,
    generatedAt: new Date().toISOString(),
  };
}
