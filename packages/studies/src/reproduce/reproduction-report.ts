import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@neusemslice/core';
import {
  type IncrementalCell,
  incrementalCell,
  lossesOfNeuSemSlice,
} from '../incremental/incremental-report';
import type { IncrementalPoint } from '../incremental/incremental-study';
import { type IncrementalVariant, PAPER_TABLE6 } from '../incremental/paper-table6';
import { PAPER_STRATEGY_LABELS, PAPER_TABLE5, type Table5Strategy } from '../readapt/paper-table5';
import { type ReadaptCell, readaptCell, readaptVerdicts } from '../readapt/readapt-report';
import type { ReadaptPoint } from '../readapt/readapt-study';
import {
  PAPER_PRUNER_LABELS,
  PAPER_TABLE4,
  RESTRUCTURE_VARIANTS,
} from '../restructure/paper-table4';
import { restructureCell, restructureVerdict } from '../restructure/restructure-report';
import type { RestructurePoint } from '../restructure/restructure-study';
import type { StudySetting } from '../shared/settings';
import {
  formatMeanStd,
  formatPercentMeanStd,
  markdownTable,
  type MeanStd,
  meanStd,
} from '../shared/summary-stats';
import type { ReproductionBudget, ReproductionQuestion } from './reproduction-budget';
import { type MaskingSeedSummary, maskingMetricCell } from './rq1-summary';

/** The report of a reproduction: every table as mean ± std over seeds beside the paper's. */

export interface ReproductionReportInput {
  out: string;
  detailsDir: string;
  budget: ReproductionBudget;
  questions: readonly ReproductionQuestion[];
  settings: readonly StudySetting[];
  seeds: readonly number[];
  skipped: readonly { setting: string; reason: string }[];
  rq1: readonly MaskingSeedSummary[];
  restructurePoints: readonly RestructurePoint[];
  readaptPoints: readonly ReadaptPoint[];
  incrementalPoints: readonly IncrementalPoint[];
  variants: readonly IncrementalVariant[];
  command: string;
  backend?: string;
  machine: string;
  /** One-minute load average when the call started and ended (others' jobs slow the run). */
  loadAverage: { start: number; end: number };
  versions: Record<string, string>;
  startedAt: Date;
  elapsedSeconds: number;
  computeSeconds: number;
  steps: { total: number; computed: number; reused: number };
  stepRecords: readonly { question: ReproductionQuestion; seconds: number }[];
  /** Trained originals (and task-A models) this call trained and read from the cache. */
  originals?: { trained: number; cached: number };
}

/** The figures of every table, for `--json` and tests (shares in [0, 1]). */
export interface ReproductionTables {
  rq1: {
    setting: string;
    metric: string;
    passes: number;
    comparable: number;
    pairs: number;
    theta: number;
    compressionRate: MeanStd;
    accuracy: MeanStd;
    baseAccuracy: MeanStd;
  }[];
  rq2: {
    setting: string;
    pruner: string;
    variant: string;
    compressionRate: MeanStd;
    iterations: MeanStd;
    testAccuracy: MeanStd;
    paper?: { compressionRate: number; iterations: number; testAccuracy: number };
  }[];
  rq3: {
    setting: string;
    attack: string;
    strategy: string;
    tpr: MeanStd;
    ra: MeanStd;
    raa: MeanStd;
    cleanAccuracy: MeanStd;
    paper?: { tpr: number; ra: number; raa: number };
  }[];
  rq4: {
    setting: string;
    variant: string;
    taskA: MeanStd;
    taskB: MeanStd;
    mean: MeanStd;
    paper?: { taskA: number; taskB: number; mean: number } | null;
  }[];
  /** One plain sentence per finding, where the paper's direction holds or does not. */
  findings: string[];
}

const percent = (share: number | undefined) =>
  share === undefined || !Number.isFinite(share) ? '–' : `${(100 * share).toFixed(2)}%`;

function link(input: ReproductionReportInput, file: string): string {
  const relative = path
    .relative(path.dirname(input.out), path.join(input.detailsDir, file))
    .split(path.sep)
    .join('/');
  return `[${file}](${relative})`;
}

function rq1Section(input: ReproductionReportInput, tables: ReproductionTables): string[] {
  const lines = [
    '## RQ1: semantic slicing against global and category-wise slicing (Figure 5)',
    '',
    'Masking (zeroing) every neuron outside the slice, test accuracy against compression rate. Per metric: in how many (Θ, seed) pairs semantic slicing reaches at least the better baseline interpolated at the same compression rate, the mean margin, and semantic slicing at Θ = 0.95. **Paper:** semantic slicing lies above both baselines on every setting (Figure 5; no table of numbers).',
    '',
  ];
  for (const setting of input.settings) {
    const summaries = input.rq1.filter((summary) => summary.setting === setting.id);
    if (summaries.length === 0) continue;
    const base = meanStd(summaries.map((summary) => summary.baseAccuracy));
    const rows: string[][] = [];
    let passes = 0;
    let comparable = 0;
    for (const metric of input.budget.rq1.metrics) {
      const cell = maskingMetricCell(summaries, metric);
      passes += cell.passes;
      comparable += cell.comparable;
      tables.rq1.push({
        setting: setting.id,
        metric,
        passes: cell.passes,
        comparable: cell.comparable,
        pairs: cell.pairs,
        theta: cell.theta,
        compressionRate: cell.compressionRate,
        accuracy: cell.accuracy,
        baseAccuracy: base,
      });
      rows.push([
        metric,
        `${cell.passes} of ${cell.comparable}${cell.pairs > cell.comparable ? ` (${cell.pairs - cell.comparable} not comparable)` : ''}`,
        cell.margin.count === 0
          ? '–'
          : formatMeanStd(
              { ...cell.margin, mean: 100 * cell.margin.mean, std: 100 * cell.margin.std },
              2,
            ),
        formatPercentMeanStd(cell.compressionRate),
        formatPercentMeanStd(cell.accuracy),
        'above both',
      ]);
    }
    const deepArc = summaries.flatMap((summary) => (summary.deepArc ? [summary.deepArc] : []));
    lines.push(
      `### ${setting.label}`,
      '',
      `Unmasked test accuracy ${formatPercentMeanStd(base)}.` +
        (deepArc.length > 0
          ? ` DeepArc (threshold 0.99): compression ${formatPercentMeanStd(meanStd(deepArc.map((point) => point.compressionRate)))}, accuracy ${formatPercentMeanStd(meanStd(deepArc.map((point) => point.accuracy)))}.`
          : ''),
      '',
      markdownTable(
        [
          'metric',
          'semantic ≥ better baseline',
          'mean margin (points)',
          'CR at Θ = 0.95',
          'accuracy at Θ = 0.95',
          'paper',
        ],
        rows,
      ),
      '',
      `Runs: ${summaries.map((summary) => link(input, summary.summaryFile)).join(', ')}.`,
      '',
    );
    const finding =
      comparable === 0
        ? `RQ1 ${setting.label}: no Θ was comparable with a baseline.`
        : passes === comparable
          ? `RQ1 ${setting.label}: semantic slicing is at or above the better baseline in all ${comparable} comparable (metric, Θ, seed) cases, as in the paper.`
          : `RQ1 ${setting.label}: semantic slicing is at or above the better baseline in ${passes} of ${comparable} comparable (metric, Θ, seed) cases; the paper has it above in all, so the direction holds **only partly** here.`;
    tables.findings.push(finding);
  }
  return lines;
}

function rq2Section(input: ReproductionReportInput, tables: ReproductionTables): string[] {
  const tolerance = input.budget.rq2.tolerance;
  const lines = [
    '## RQ2: restructuring, each pruner alone vs slice + pruner (Table 4)',
    '',
    `CR (share of prunable weights removed), NI (pruning iterations kept), MA (test accuracy), each run stopping at the last iteration within δ = ${tolerance} point(s) of the original or at the cap of ${input.budget.rq2.maxIterations}. Paper figures beside ours (the paper has no LeNet-5 setting).`,
    '',
  ];
  for (const setting of input.settings) {
    const points = input.restructurePoints.filter((point) => point.setting === setting.id);
    if (points.length === 0) continue;
    const rows: string[][] = [];
    for (const pruner of input.budget.rq2.pruners) {
      const cells = RESTRUCTURE_VARIANTS.map((variant) => ({
        variant,
        cell: restructureCell(
          points.filter((point) => point.pruner === pruner && point.variant === variant),
          tolerance,
        ),
      }));
      for (const { variant, cell } of cells) {
        if (cell.runs === 0) continue;
        const paper = PAPER_TABLE4[setting.id]?.[pruner]?.[variant];
        const label = PAPER_PRUNER_LABELS[pruner] ?? pruner;
        tables.rq2.push({
          setting: setting.id,
          pruner,
          variant,
          compressionRate: cell.compressionRate,
          iterations: cell.iterations,
          testAccuracy: cell.testAccuracy,
          ...(paper ? { paper } : {}),
        });
        rows.push([
          variant === 'slice' ? `NeuSemSlice+${label}` : label,
          formatPercentMeanStd(cell.compressionRate),
          formatMeanStd(cell.iterations),
          formatPercentMeanStd(cell.testAccuracy),
          `${cell.runsAtCap} of ${cell.runs}`,
          paper ? percent(paper.compressionRate) : '–',
          paper ? String(paper.iterations) : '–',
          paper ? percent(paper.testAccuracy) : '–',
        ]);
      }
      const [alone, sliced] = cells;
      if (alone.cell.runs > 0 && sliced.cell.runs > 0) {
        tables.findings.push(
          `RQ2 ${setting.label}: ${restructureVerdict(pruner, alone.cell, sliced.cell)}`,
        );
      }
    }
    lines.push(
      `### ${setting.label}`,
      '',
      markdownTable(
        ['algorithm', 'CR ↑', 'NI ↓', 'MA ↑', 'runs at cap', 'paper CR', 'paper NI', 'paper MA'],
        rows,
      ),
      '',
    );
  }
  lines.push(`Full table with per-run figures: ${link(input, 'restructure-table4.md')}.`, '');
  return lines;
}

function rq3Section(input: ReproductionReportInput, tables: ReproductionTables): string[] {
  const lines = [
    '## RQ3: re-adaptation against adversarial attacks (Table 5)',
    '',
    'TPR (share of parameters trained), RA (accuracy on the attacked training samples after retraining), RAA (on fresh attacks against the retrained model), clean test accuracy. Paper figures beside ours.',
    '',
  ];
  for (const setting of input.settings) {
    const settingPoints = input.readaptPoints.filter((point) => point.setting === setting.id);
    if (settingPoints.length === 0) continue;
    lines.push(`### ${setting.label}`, '');
    for (const attack of input.budget.rq3.attacks) {
      const cells: Partial<Record<Table5Strategy, ReadaptCell>> = {};
      const rows: string[][] = [];
      for (const strategy of input.budget.rq3.strategies) {
        const matching = settingPoints.filter(
          (point) => point.attack === attack && point.strategy === strategy,
        );
        if (matching.length === 0) continue;
        const cell = readaptCell(matching);
        cells[strategy] = cell;
        const paper = PAPER_TABLE5[setting.id]?.[attack]?.[strategy];
        tables.rq3.push({
          setting: setting.id,
          attack,
          strategy,
          tpr: cell.tpr,
          ra: cell.ra,
          raa: cell.raa,
          cleanAccuracy: cell.cleanAccuracy,
          ...(paper ? { paper } : {}),
        });
        rows.push([
          PAPER_STRATEGY_LABELS[strategy],
          formatPercentMeanStd(cell.tpr),
          formatPercentMeanStd(cell.ra),
          formatPercentMeanStd(cell.raa),
          formatPercentMeanStd(cell.cleanAccuracy),
          paper ? percent(paper.tpr) : '–',
          paper ? percent(paper.ra) : '–',
          paper ? percent(paper.raa) : '–',
        ]);
      }
      if (rows.length === 0) continue;
      lines.push(
        `${attack.toUpperCase()}:`,
        '',
        markdownTable(
          ['strategy', 'TPR', 'RA ↑', 'RAA ↑', 'clean', 'paper TPR', 'paper RA', 'paper RAA'],
          rows,
        ),
        '',
      );
      for (const verdict of readaptVerdicts(cells)) {
        tables.findings.push(`RQ3 ${setting.label}, ${attack.toUpperCase()}: ${verdict}`);
      }
    }
  }
  lines.push(`Full table with per-run figures: ${link(input, 'readapt-table5.md')}.`, '');
  return lines;
}

function rq4Section(input: ReproductionReportInput, tables: ReproductionTables): string[] {
  const lines = [
    '## RQ4: incremental development, task A → task B (Table 6)',
    '',
    'Task A is the first half of the classes, task B the second; accuracy on each task after learning B, and their mean. Paper figures beside ours (EWC is not in the paper; DeepArc is "/" there).',
    '',
  ];
  for (const setting of input.settings) {
    const settingPoints = input.incrementalPoints.filter((point) => point.setting === setting.id);
    if (settingPoints.length === 0) continue;
    const cells = new Map<string, IncrementalCell>();
    const rows: string[][] = [];
    for (const variant of input.variants) {
      const matching = settingPoints.filter((point) => point.variant === variant.id);
      if (matching.length === 0) continue;
      const cell = incrementalCell(matching);
      cells.set(variant.id, cell);
      const paper = PAPER_TABLE6[setting.id]?.[variant.id];
      tables.rq4.push({
        setting: setting.id,
        variant: variant.id,
        taskA: cell.taskA,
        taskB: cell.taskB,
        mean: cell.mean,
        ...(paper !== undefined ? { paper } : {}),
      });
      rows.push([
        variant.label,
        formatPercentMeanStd(cell.taskA),
        formatPercentMeanStd(cell.taskB),
        formatPercentMeanStd(cell.mean),
        paper ? percent(paper.taskA) : paper === null ? '/' : '–',
        paper ? percent(paper.taskB) : paper === null ? '/' : '–',
        paper ? percent(paper.mean) : paper === null ? '/' : '–',
      ]);
    }
    lines.push(
      `### ${setting.label}`,
      '',
      markdownTable(
        ['strategy', 'task A', 'task B', 'mean', 'paper A', 'paper B', 'paper mean'],
        rows,
      ),
      '',
    );
    const ours = cells.get('neusemslice');
    const retrain = cells.get('retrain');
    if (ours && retrain) {
      tables.findings.push(
        ours.taskA.mean > retrain.taskA.mean
          ? `RQ4 ${setting.label}: NeuSemSlice keeps task A (${percent(ours.taskA.mean)}) where retraining forgets it (${percent(retrain.taskA.mean)}), as in the paper.`
          : `RQ4 ${setting.label}: NeuSemSlice does **not** keep task A better than retraining (${percent(ours.taskA.mean)} vs ${percent(retrain.taskA.mean)}).`,
      );
    }
    tables.findings.push(...lossesOfNeuSemSlice(cells, setting.label).map((line) => `RQ4 ${line}`));
  }
  lines.push(`Full table with per-run figures: ${link(input, 'incremental-table6.md')}.`, '');
  return lines;
}

function budgetLines(budget: ReproductionBudget): string[] {
  const { rq1, slice, rq2, rq3, rq4 } = budget;
  const tests = (samples: number | undefined) =>
    samples === undefined ? 'the whole test set' : `the first ${samples} test samples`;
  return [
    `Budget \`${budget.name}\`: ${budget.description}.`,
    '',
    `- RQ1: metrics ${rq1.metrics.join(', ')}; slicing on ${rq1.slicingPerClass} training samples per class; ${tests(rq1.testSamples)}${rq1.thetas ? `; Θ = ${rq1.thetas.join(', ')}` : '; Θ = 0.90 … 0.99'}${rq1.keepRatios ? `; k = ${rq1.keepRatios.join(', ')}` : '; k = 10% … 100%'}.`,
    `- Slice of RQ2 and RQ3: ${slice.metric} + semantic, Θ = ${slice.theta}, ${slice.slicingPerClass} training samples per class.`,
    `- RQ2: pruners ${rq2.pruners.join(', ')}; at most ${rq2.maxIterations} iterations, each fine-tuned ${rq2.fineTuneEpochs} epoch(s) on ${rq2.fineTuneSamples} samples; δ = ${rq2.tolerance} point(s); ${tests(rq2.testSamples)}.`,
    `- RQ3: attacks ${rq3.attacks.join(', ')}; ${rq3.samples} attacked training samples; ${rq3.epochs} retraining epoch(s)${
      Object.keys(rq3.epochsBySetting).length > 0
        ? ` (${Object.entries(rq3.epochsBySetting)
            .map(([id, epochs]) => `${id}: ${epochs}`)
            .join(', ')})`
        : ''
    }; PGD ${rq3.steps} steps of ${rq3.stepSize}; ${tests(rq3.testSamples)}.`,
    `- RQ4: ${rq4.variants.length} strategies; task B learnt in ${rq4.epochs} epoch(s) on ${rq4.trainPerClass === undefined ? 'all its training data' : `${rq4.trainPerClass} samples per class`}; task-A slice on ${rq4.slicingPerClass} samples per class; EWC λ = ${rq4.ewcLambda}, Fisher over ${rq4.fisherSamples} samples; ${tests(rq4.testSamples)}.`,
  ];
}

/** Writes the report to `input.out` (atomically); returns the tables' figures. */
export function writeReproductionReport(input: ReproductionReportInput): ReproductionTables {
  const tables: ReproductionTables = { rq1: [], rq2: [], rq3: [], rq4: [], findings: [] };
  const sections: string[] = [];
  if (input.questions.includes('rq1')) sections.push(...rq1Section(input, tables));
  if (input.questions.includes('rq2')) sections.push(...rq2Section(input, tables));
  if (input.questions.includes('rq3')) sections.push(...rq3Section(input, tables));
  if (input.questions.includes('rq4')) sections.push(...rq4Section(input, tables));
  const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
  const perQuestion = input.questions
    .map((question) => {
      const seconds = input.stepRecords
        .filter((record) => record.question === question)
        .reduce((sum, record) => sum + record.seconds, 0);
      return `${question.toUpperCase()} ${minutes(seconds)}`;
    })
    .join(', ');
  const lines = [
    "# Reproduction of the paper's evaluation (RQ1–RQ4)",
    '',
    `Command: \`${input.command}\``,
    '',
    `- Settings: ${input.settings.map((setting) => setting.label).join(', ')}${input.skipped.length > 0 ? `; **skipped**: ${input.skipped.map((entry) => `${entry.setting} (${entry.reason})`).join('; ')}` : ''}`,
    `- Seeds: ${input.seeds.join(', ')} (one trained original per setting and seed; every figure is mean ± std over seeds)`,
    `- Backend: ${input.backend ?? 'not given'}`,
    `- Machine: ${input.machine}; one-minute load average ${input.loadAverage.start.toFixed(1)} at the start, ${input.loadAverage.end.toFixed(1)} at the end (other jobs shared the machine when it exceeds the core count)`,
    `- Versions: ${Object.entries(input.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    `- Date: ${input.startedAt.toISOString()}`,
    `- Time: this invocation ${minutes(input.elapsedSeconds)} (${input.steps.computed} of ${input.steps.total} steps computed, ${input.steps.reused} read from the checkpoint); all steps together ${minutes(input.computeSeconds)} (${perQuestion}; a step that was interrupted and resumed counts only the invocation that finished it)`,
    ...(input.originals && input.originals.trained + input.originals.cached > 0
      ? [
          `- Trained models (originals and task-A models) this invocation loaded: ${input.originals.trained} trained now, ${input.originals.cached} read from the cache directory (trained earlier with the same setting and seed; training time is not in the step times then)`,
        ]
      : []),
    '',
    ...budgetLines(input.budget),
    '',
    '## Findings',
    '',
    'Where our figures follow the paper and, in bold, where they do not:',
    '',
    '<!-- findings -->',
    '',
    ...sections,
  ];
  const text = lines
    .join('\n')
    .replace('<!-- findings -->', tables.findings.map((finding) => `- ${finding}`).join('\n'));
  fs.mkdirSync(path.dirname(input.out), { recursive: true });
  writeFileAtomic(input.out, `${text.trimEnd()}\n`);
  return tables;
}
