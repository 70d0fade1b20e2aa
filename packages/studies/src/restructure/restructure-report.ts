import { writeFileAtomic } from '@neusemslice/core';
import { toCsv } from '../csv';
import {
  type StudyReportBase,
  type StudyReportFiles,
  studyReportHeader,
} from '../shared/report-header';
import type { StudySetting } from '../shared/settings';
import {
  formatMeanStd,
  formatPercentMeanStd,
  markdownTable,
  type MeanStd,
  meanStdOf,
} from '../shared/summary-stats';
import {
  PAPER_PRUNER_LABELS,
  PAPER_TABLE4,
  RESTRUCTURE_VARIANTS,
  type RestructureVariant,
} from './paper-table4';
import type { RestructurePoint } from './restructure-study';

/** restructure-table4.csv (per setting, pruner and variant), its -runs.csv and its .md. */
export type RestructureStudyFiles = StudyReportFiles;

/** What the report states about how the figures were made. */
export interface RestructureReportPlan {
  metric: string;
  slicer: string;
  slicerOptions: Record<string, unknown>;
  slicingPerClass: number;
  tolerance: number;
  maxIterations: number;
  fineTune: {
    epochs: number;
    samples: number;
    learningRate: number;
    optimizer: string;
    batchSize: number;
  };
  testSamples?: number;
  /** Share p per iteration, by setting label. */
  stepBySetting: Record<string, number>;
}

export interface RestructureReportInput extends StudyReportBase {
  points: readonly RestructurePoint[];
  pruners: readonly string[];
  plan: RestructureReportPlan;
}

/** Mean ± std of one setting, pruner and variant over seeds. */
export interface RestructureCell {
  compressionRate: MeanStd;
  iterations: MeanStd;
  testAccuracy: MeanStd;
  originalTestAccuracy: MeanStd;
  sliceCompressionRate: MeanStd;
  slicedTestAccuracy: MeanStd;
  recoveredTestAccuracy: MeanStd;
  /** Runs that stopped at the iteration cap rather than at the tolerance. */
  runsAtCap: number;
  /**
   * Runs whose final accuracy is more than δ below the original's: only possible when the slice
   * alone (after its recovery fine-tuning) already costs more than δ, so no iteration was kept.
   */
  runsOutsideTolerance: number;
  runs: number;
}

/** Mean ± std over the points; `tolerance` is δ in accuracy points. */
export function restructureCell(
  points: readonly RestructurePoint[],
  tolerance: number,
): RestructureCell {
  return {
    ...meanStdOf(points, [
      'compressionRate',
      'iterations',
      'testAccuracy',
      'originalTestAccuracy',
      'sliceCompressionRate',
      'slicedTestAccuracy',
      'recoveredTestAccuracy',
    ]),
    runsAtCap: points.filter((point) => point.stopReason === 'max-iterations').length,
    runsOutsideTolerance: points.filter(
      // A hair of slack for float rounding of shares.
      (point) => point.testAccuracy < point.originalTestAccuracy - tolerance / 100 - 1e-9,
    ).length,
    runs: points.length,
  };
}

function prunerLabel(pruner: string, variant: RestructureVariant): string {
  const label = PAPER_PRUNER_LABELS[pruner] ?? pruner;
  return variant === 'slice' ? `NeuSemSlice+${label}` : label;
}

const percent = (share: number) => `${(100 * share).toFixed(2)}%`;

/**
 * Whether the slice helps one pruner in one setting, in plain words: better means a higher mean
 * CR or a lower mean NI at equal accuracy (both within δ of the original). A slice + pruner run
 * that ends outside δ (the slice alone cost more than δ) never counts as better.
 */
export function restructureVerdict(
  pruner: string,
  alone: RestructureCell,
  sliced: RestructureCell,
): string {
  const label = PAPER_PRUNER_LABELS[pruner] ?? pruner;
  const crGain = sliced.compressionRate.mean - alone.compressionRate.mean;
  const niGain = alone.iterations.mean - sliced.iterations.mean;
  const crText = `CR ${percent(alone.compressionRate.mean)} → ${percent(sliced.compressionRate.mean)}`;
  const niText = `NI ${alone.iterations.mean.toFixed(1)} → ${sliced.iterations.mean.toFixed(1)}`;
  const maText = `MA ${percent(alone.testAccuracy.mean)} → ${percent(sliced.testAccuracy.mean)}`;
  const capped =
    alone.runsAtCap === alone.runs && sliced.runsAtCap === sliced.runs
      ? ' Every run of both variants reached the iteration cap: NI is the cap, and the CR gap is the share the slice removed before pruning.'
      : '';
  const figures = `(${crText}, ${niText}, ${maText})`;
  if (sliced.runsOutsideTolerance > 0) {
    return `slice + ${label} does **not** beat ${label} alone at equal accuracy: in ${sliced.runsOutsideTolerance} of ${sliced.runs} runs the slice alone already cost more than δ (accuracy ${percent(sliced.recoveredTestAccuracy.mean)} after its recovery fine-tuning vs ${percent(sliced.originalTestAccuracy.mean)} original), so no pruning iteration was kept and its higher CR is bought with accuracy ${figures}.`;
  }
  if (crGain > 0 && niGain > 0) {
    return `slice + ${label} beats ${label} alone on both CR and NI ${figures}.${capped}`;
  }
  if (crGain > 0) {
    return `slice + ${label} beats ${label} alone on CR but **not on NI** ${figures}.${capped}`;
  }
  if (niGain > 0) {
    return `slice + ${label} beats ${label} alone on NI but **not on CR** ${figures}.${capped}`;
  }
  return `slice + ${label} does **not** beat ${label} alone on CR or NI ${figures}.${capped}`;
}

/** Writes restructure-table4.csv, restructure-table4-runs.csv and restructure-table4.md. */
export function writeRestructureReport(input: RestructureReportInput): RestructureStudyFiles {
  const { plan, points } = input;
  const { files, provenance, machine } = studyReportHeader(input, 'restructure-table4');

  const cells: {
    setting: StudySetting;
    pruner: string;
    variant: RestructureVariant;
    cell: RestructureCell;
  }[] = [];
  for (const setting of input.settings) {
    for (const pruner of input.pruners) {
      for (const variant of RESTRUCTURE_VARIANTS) {
        const matching = points.filter(
          (point) =>
            point.setting === setting.id && point.pruner === pruner && point.variant === variant,
        );
        if (matching.length > 0) {
          cells.push({
            setting,
            pruner,
            variant,
            cell: restructureCell(matching, plan.tolerance),
          });
        }
      }
    }
  }

  writeFileAtomic(
    files.csv,
    toCsv(
      provenance,
      [
        'setting',
        'algorithm',
        'pruner',
        'variant',
        'runs',
        'cr_mean',
        'cr_std',
        'ni_mean',
        'ni_std',
        'ma_mean',
        'ma_std',
        'original_accuracy_mean',
        'slice_cr_mean',
        'runs_at_iteration_cap',
        'runs_outside_tolerance',
        'paper_cr',
        'paper_ni',
        'paper_ma',
      ],
      cells.map(({ setting, pruner, variant, cell }) => {
        const paper = PAPER_TABLE4[setting.id]?.[pruner]?.[variant];
        return [
          setting.label,
          prunerLabel(pruner, variant),
          pruner,
          variant,
          cell.runs,
          cell.compressionRate.mean,
          cell.compressionRate.std,
          cell.iterations.mean,
          cell.iterations.std,
          cell.testAccuracy.mean,
          cell.testAccuracy.std,
          cell.originalTestAccuracy.mean,
          cell.sliceCompressionRate.mean,
          cell.runsAtCap,
          cell.runsOutsideTolerance,
          paper?.compressionRate,
          paper?.iterations,
          paper?.testAccuracy,
        ];
      }),
    ),
  );
  writeFileAtomic(
    files.runsCsv,
    toCsv(
      provenance,
      [
        'setting',
        'seed',
        'pruner',
        'variant',
        'cr',
        'ni',
        'ma',
        'original_accuracy',
        'sliced_accuracy',
        'recovered_accuracy',
        'slice_cr',
        'parameters_before',
        'parameters_after',
        'stop_reason',
        'seconds',
      ],
      points.map((point) => [
        point.setting,
        point.seed,
        point.pruner,
        point.variant,
        point.compressionRate,
        point.iterations,
        point.testAccuracy,
        point.originalTestAccuracy,
        point.slicedTestAccuracy,
        point.recoveredTestAccuracy,
        point.sliceCompressionRate,
        point.parametersBefore,
        point.parametersAfter,
        point.stopReason,
        point.seconds,
      ]),
    ),
  );

  const fineTune = plan.fineTune;
  const lines: string[] = [
    '# Table 4 (RQ2): model restructuring, each pruner alone vs slice + pruner',
    '',
    `Command: \`${input.command}\``,
    `Seeds: ${input.seeds.join(', ')} (one trained original and one slice per seed; figures are mean ± std over seeds) · backend ${input.backend ?? 'not given'}`,
    `Machine: ${machine} · date ${input.startedAt.toISOString().slice(0, 10)} · compute time of the ${points.length} runs ${(points.reduce((sum, point) => sum + point.seconds, 0) / 60).toFixed(1)} min (this invocation: ${(input.elapsedSeconds / 60).toFixed(1)} min, finished runs are read from the checkpoint)`,
    '',
    '**Method.** Each iteration prunes a share p of the *remaining* dense and conv kernel weights',
    `(p = ${Object.entries(plan.stepBySetting)
      .map(([label, step]) => `${step} for ${label}`)
      .join(
        ', ',
      )}; biases are neither pruned nor counted), then fine-tunes with the pruned weights held`,
    `at zero, then evaluates. A run stops at the last iteration whose test accuracy is within δ = ${plan.tolerance} point(s)`,
    `of the original's (the first iteration outside δ is discarded), or after ${plan.maxIterations} iterations (the cap).`,
    `"NeuSemSlice+X" first removes the neurons outside a ${plan.metric} + ${plan.slicer} slice`,
    `(${Object.entries(plan.slicerOptions)
      .map(([name, value]) => `${name} = ${String(value)}`)
      .join(
        ', ',
      )}, sliced on ${plan.slicingPerClass} training samples per class): their weights count as`,
    'already pruned; the cut network gets one fine-tuning pass (the same budget as an iteration, not counted in NI)',
    'before pruning starts, and the result is restructured into a physically smaller model. CR is the share of the',
    "*original* model's prunable weights removed (the slice's included), NI the iterations kept, MA the test accuracy",
    'of the final model.',
    '',
    `**Budget** (sized for a 2-core machine, not the paper's): fine-tuning per iteration = ${fineTune.epochs} epoch(s) on`,
    `${fineTune.samples} training samples drawn afresh (seeded) each iteration, ${fineTune.optimizer}, learning rate`,
    `${fineTune.learningRate}, batch ${fineTune.batchSize}; iteration cap ${plan.maxIterations}; test accuracy on`,
    `${plan.testSamples === undefined ? 'the whole test set' : `the first ${plan.testSamples} test samples`}. The paper does not state its stopping rule nor its fine-tuning budget;`,
    'its CR values fit CR = 1 − (1 − s)(1 − p)^NI with the slice share s counted as pruned.',
    '',
  ];

  const summary: string[] = [];
  let crWins = 0;
  let niWins = 0;
  let pairs = 0;
  for (const setting of input.settings) {
    const settingCells = cells.filter((entry) => entry.setting.id === setting.id);
    if (settingCells.length === 0) continue;
    const hasPaper = PAPER_TABLE4[setting.id] !== undefined;
    lines.push(`## ${setting.label}`, '');
    const first = settingCells[0].cell;
    const sliceCell = settingCells.find((entry) => entry.variant === 'slice')?.cell;
    lines.push(
      `Original test accuracy ${formatPercentMeanStd(first.originalTestAccuracy)}.` +
        (sliceCell
          ? ` The slice alone removes ${formatPercentMeanStd(sliceCell.sliceCompressionRate)} of the prunable weights; test accuracy right after the cut ${formatPercentMeanStd(sliceCell.slicedTestAccuracy)}, after its one recovery fine-tuning ${formatPercentMeanStd(sliceCell.recoveredTestAccuracy)}.`
          : ''),
      '',
    );
    if (!hasPaper) {
      lines.push(
        `The paper has no ${setting.label} setting (its Table 4 covers MLP-MNIST, MLP-FMNIST and four larger CIFAR/ImageNet models), so there is no paper column.`,
        '',
      );
    }
    const header = ['Algorithm', 'CR ↑', 'NI ↓', 'MA ↑', 'runs at cap', 'runs outside δ'];
    if (hasPaper) header.push('paper CR', 'paper NI', 'paper MA');
    const rows = settingCells.map(({ pruner, variant, cell }) => {
      const row = [
        prunerLabel(pruner, variant),
        formatPercentMeanStd(cell.compressionRate),
        formatMeanStd(cell.iterations),
        formatPercentMeanStd(cell.testAccuracy),
        `${cell.runsAtCap} of ${cell.runs}`,
        `${cell.runsOutsideTolerance} of ${cell.runs}`,
      ];
      const paper = PAPER_TABLE4[setting.id]?.[pruner]?.[variant];
      if (hasPaper) {
        row.push(
          paper ? percent(paper.compressionRate) : '–',
          paper ? String(paper.iterations) : '–',
          paper ? percent(paper.testAccuracy) : '–',
        );
      }
      return row;
    });
    lines.push(markdownTable(header, rows), '');
    for (const pruner of input.pruners) {
      const alone = settingCells.find(
        (entry) => entry.pruner === pruner && entry.variant === 'alone',
      );
      const sliced = settingCells.find(
        (entry) => entry.pruner === pruner && entry.variant === 'slice',
      );
      if (!alone || !sliced) continue;
      pairs++;
      const equalAccuracy = sliced.cell.runsOutsideTolerance === 0;
      if (equalAccuracy && sliced.cell.compressionRate.mean > alone.cell.compressionRate.mean)
        crWins++;
      if (equalAccuracy && sliced.cell.iterations.mean < alone.cell.iterations.mean) niWins++;
      const text = restructureVerdict(pruner, alone.cell, sliced.cell);
      lines.push(`- ${text}`);
      summary.push(`- ${setting.label}: ${text}`);
    }
    lines.push('');
  }
  const capped = cells.reduce((sum, entry) => sum + entry.cell.runsAtCap, 0);
  const runs = cells.reduce((sum, entry) => sum + entry.cell.runs, 0);
  const outside = cells.reduce((sum, entry) => sum + entry.cell.runsOutsideTolerance, 0);
  lines.push(
    '## Summary',
    '',
    `At equal accuracy (both variants within δ = ${plan.tolerance} point(s) of the original), slice + pruner has the higher mean CR in ${crWins} of ${pairs} (setting, pruner) pairs and the lower mean NI in ${niWins} of ${pairs}.`,
    outside > 0
      ? `${outside} of ${runs} runs ended more than δ below the original: each is a slice + pruner run whose slice alone already cost more than δ, so no pruning iteration was kept; those pairs count as losses for the slice.`
      : 'Every run ended within δ of the original.',
    capped > 0
      ? `${capped} of ${runs} runs stopped at the iteration cap (${plan.maxIterations}) rather than at the tolerance: for those runs NI is the cap, not a measure of efficiency, and where both variants hit it a higher CR for slice + pruner only reflects the weights the slice removed before pruning started.`
      : 'No run reached the iteration cap: every run stopped at the tolerance.',
    'NI does not count the cost of slicing itself.',
    '',
    ...summary,
    '',
  );
  writeFileAtomic(files.markdown, lines.join('\n'));
  return files;
}
