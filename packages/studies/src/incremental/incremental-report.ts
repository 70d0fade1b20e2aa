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
  meanStd,
  meanStdOf,
} from '../shared/summary-stats';
import type { IncrementalPoint } from './incremental-study';
import {
  type IncrementalVariant,
  PAPER_TABLE6,
  type PaperIncrementalFigures,
} from './paper-table6';

/** incremental-table6.csv (per setting and variant), its -runs.csv and its .md. */
export type IncrementalStudyFiles = StudyReportFiles;

export interface IncrementalReportInput extends StudyReportBase {
  points: readonly IncrementalPoint[];
  variants: readonly IncrementalVariant[];
  /** How the runs were made (task split, Θ, training), stated in the report. */
  plan: Record<string, unknown>;
}

/** Mean ± std of one setting and variant over seeds. */
export interface IncrementalCell {
  taskA: MeanStd;
  taskB: MeanStd;
  mean: MeanStd;
  bwt: MeanStd;
  taskABefore: MeanStd;
  taskAIncremental: MeanStd;
  taskBIncremental: MeanStd;
  seconds: MeanStd;
  trainedShare: MeanStd;
  bytesKeptFromTaskA: MeanStd;
  /** DeepArc runs that found no redundant layer and trained nothing. */
  runsWithoutRedundantLayer: number;
  runs: number;
}

export function incrementalCell(points: readonly IncrementalPoint[]): IncrementalCell {
  return {
    ...meanStdOf(points, [
      'taskA',
      'taskB',
      'mean',
      'bwt',
      'taskABefore',
      'taskAIncremental',
      'taskBIncremental',
      'seconds',
      'trainedShare',
      'bytesKeptFromTaskA',
    ]),
    runsWithoutRedundantLayer: points.filter((point) => point.redundantLayers === 0).length,
    runs: points.length,
  };
}

function paperPercent(value: number | undefined): string {
  return value === undefined ? '–' : `${(100 * value).toFixed(2)}%`;
}

function points(value: MeanStd): string {
  if (value.count === 0) return '–';
  const mean = (100 * value.mean).toFixed(2);
  return value.count > 1 ? `${mean} ± ${(100 * value.std).toFixed(2)}` : mean;
}

function bytes(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

/** What a comparison of NeuSemSlice with replay and EWC says, one sentence per loss. */
export function lossesOfNeuSemSlice(
  cells: ReadonlyMap<string, IncrementalCell>,
  settingLabel: string,
): string[] {
  const ours = cells.get('neusemslice');
  if (!ours || ours.runs === 0) return [];
  const lines: string[] = [];
  for (const rival of ['replay-5', 'replay-10', 'replay-100', 'ewc']) {
    const cell = cells.get(rival);
    if (!cell || cell.runs === 0) continue;
    for (const [figure, label] of [
      ['mean', 'mean accuracy'],
      ['taskA', 'task-A accuracy'],
      ['taskB', 'task-B accuracy'],
    ] as const) {
      if (cell[figure].mean > ours[figure].mean) {
        lines.push(
          `${settingLabel}: NeuSemSlice loses to ${rival} on ${label} (${points(ours[figure])} vs ${points(cell[figure])} %).`,
        );
      }
    }
  }
  return lines;
}

/** The training budget in words, so a reader sees how far the runs are from the paper's. */
export function budgetSentence(
  plan: Record<string, unknown>,
  settings: readonly StudySetting[],
): string {
  const training = (plan.training ?? {}) as Record<string, unknown>;
  const perClass = plan.trainPerClass;
  const taskAEpochs = settings.map((setting) => `${setting.label} ${setting.epochs}`).join(', ');
  return [
    `task-A models trained on all of task A's training data (Adam, epochs: ${taskAEpochs});`,
    `task B learnt in ${String(training.epochs)} epoch(s) of Adam (lr ${String(training.learningRate)}, batch ${String(training.batchSize)})`,
    perClass === undefined
      ? "over all of task B's training data (replay shares of all of A's);"
      : `over a seeded sample of ${String(perClass)} training samples per class (replay shares are shares of A's ${String(perClass)} per class);`,
    `slice: Taylor + semantic at Θ = ${String(plan.theta)} on ${String(plan.slicingPerClass)} task-A samples per class;`,
    `EWC: λ = ${String(training.ewcLambda)}, Fisher over ${String(training.fisherSamples)} task-A samples;`,
    plan.testSamples === undefined
      ? 'evaluated on the whole test set of each task.'
      : `evaluated on the first ${String(plan.testSamples)} test samples of each task.`,
  ].join(' ');
}

/** Writes incremental-table6.{csv,md} and incremental-table6-runs.csv; returns their paths. */
export function writeIncrementalReport(input: IncrementalReportInput): IncrementalStudyFiles {
  const date = input.startedAt.toISOString();
  const { files, provenance, machine } = studyReportHeader(input, 'incremental-table6', {
    memory: false,
    seedSeparator: ',',
  });
  const summaryRows: (string | number)[][] = [];
  const sections: string[] = [];
  const losses: string[] = [];
  for (const setting of input.settings) {
    const ofSetting = input.points.filter((point) => point.setting === setting.id);
    if (ofSetting.length === 0) continue;
    const paper = PAPER_TABLE6[setting.id];
    const cells = new Map<string, IncrementalCell>();
    for (const variant of input.variants) {
      cells.set(
        variant.id,
        incrementalCell(ofSetting.filter((point) => point.variant === variant.id)),
      );
    }
    const before = meanStd(
      input.seeds.flatMap((seed) => {
        const point = ofSetting.find((candidate) => candidate.seed === seed);
        return point ? [point.taskABefore] : [];
      }),
    );
    const rows: string[][] = [
      [
        'Original (task A only)',
        formatPercentMeanStd(before),
        '0.00%',
        formatPercentMeanStd({ ...before, mean: before.mean / 2, std: before.std / 2 }),
        '–',
        '–',
        '–',
        '–',
        '–',
        paper ? paperPercent(paper.original?.taskA) : '–',
        paper ? paperPercent(paper.original?.taskB) : '–',
        paper ? paperPercent(paper.original?.mean) : '–',
      ],
    ];
    for (const variant of input.variants) {
      const cell = cells.get(variant.id) as IncrementalCell;
      if (cell.runs === 0) continue;
      const paperCell: PaperIncrementalFigures | null | undefined = paper?.[variant.id];
      const noRedundant = cell.runsWithoutRedundantLayer === cell.runs;
      const note = noRedundant
        ? ' (no redundant layer found: nothing trained)'
        : cell.runsWithoutRedundantLayer > 0
          ? ` (${cell.runsWithoutRedundantLayer}/${cell.runs} runs found no redundant layer)`
          : '';
      rows.push([
        `${variant.label}${note}`,
        formatPercentMeanStd(cell.taskA),
        formatPercentMeanStd(cell.taskB),
        formatPercentMeanStd(cell.mean),
        points(cell.bwt),
        `${formatPercentMeanStd(cell.taskAIncremental)} / ${formatPercentMeanStd(cell.taskBIncremental)}`,
        formatMeanStd(cell.seconds),
        formatPercentMeanStd(cell.trainedShare, 1),
        bytes(cell.bytesKeptFromTaskA.mean),
        paper ? (paperCell === null ? '/' : paperPercent(paperCell?.taskA)) : '–',
        paper ? (paperCell === null ? '/' : paperPercent(paperCell?.taskB)) : '–',
        paper ? (paperCell === null ? '/' : paperPercent(paperCell?.mean)) : '–',
      ]);
      summaryRows.push([
        setting.id,
        variant.id,
        cell.runs,
        cell.taskA.mean,
        cell.taskA.std,
        cell.taskB.mean,
        cell.taskB.std,
        cell.mean.mean,
        cell.mean.std,
        cell.bwt.mean,
        cell.bwt.std,
        cell.taskAIncremental.mean,
        cell.taskBIncremental.mean,
        cell.seconds.mean,
        cell.seconds.std,
        cell.trainedShare.mean,
        cell.bytesKeptFromTaskA.mean,
        cell.runsWithoutRedundantLayer,
        paperCell ? paperCell.taskA : '',
        paperCell ? paperCell.taskB : '',
        paperCell ? paperCell.mean : '',
      ]);
    }
    sections.push(
      `### ${setting.label}\n\n${markdownTable(
        [
          'Method',
          'Task A',
          'Task B',
          'Mean',
          'BWT (points)',
          'Task-incremental A / B',
          'Seconds',
          'Trained params',
          'Kept from task A',
          'Paper task A',
          'Paper task B',
          'Paper mean',
        ],
        rows,
      )}`,
    );
    losses.push(...lossesOfNeuSemSlice(cells, setting.label));
  }
  writeFileAtomic(
    files.csv,
    toCsv(
      provenance,
      [
        'setting',
        'variant',
        'runs',
        'task_a_mean',
        'task_a_std',
        'task_b_mean',
        'task_b_std',
        'mean_mean',
        'mean_std',
        'bwt_mean',
        'bwt_std',
        'task_a_incremental_mean',
        'task_b_incremental_mean',
        'seconds_mean',
        'seconds_std',
        'trained_share_mean',
        'bytes_kept_from_task_a_mean',
        'runs_without_redundant_layer',
        'paper_task_a',
        'paper_task_b',
        'paper_mean',
      ],
      summaryRows,
    ),
  );
  writeFileAtomic(
    files.runsCsv,
    toCsv(
      provenance,
      [
        'setting',
        'seed',
        'variant',
        'task_a',
        'task_b',
        'mean',
        'bwt',
        'task_a_before',
        'task_a_incremental',
        'task_b_incremental',
        'seconds',
        'train_seconds',
        'trained_share',
        'bytes_kept_from_task_a',
        'redundant_layers',
      ],
      input.points.map((point) => [
        point.setting,
        point.seed,
        point.variant,
        point.taskA,
        point.taskB,
        point.mean,
        point.bwt,
        point.taskABefore,
        point.taskAIncremental,
        point.taskBIncremental,
        point.seconds,
        point.trainSeconds,
        point.trainedShare,
        point.bytesKeptFromTaskA,
        point.redundantLayers ?? '',
      ]),
    ),
  );
  const markdown = [
    '# Incremental development (RQ4, Table 6)',
    '',
    `- Command: \`${input.command}\``,
    `- Seeds: ${input.seeds.join(', ')} (mean ± std over seeds; one task-A model and slice per seed)`,
    `- Backend: ${input.backend ?? 'not given'}`,
    `- Machine: ${machine}`,
    `- Date: ${date}; the run took ${(input.elapsedSeconds / 60).toFixed(1)} min (resumed runs count only the new work)`,
    `- Plan: \`${JSON.stringify(input.plan)}\``,
    `- Budget: ${budgetSentence(input.plan, input.settings)}`,
    '',
    'Task A and task B are test accuracies over the single head with a unit per class of both',
    'tasks (class-incremental, the paper’s setting). NeuSemSlice reads task A through A’s',
    'sub-network (non-critical neurons masked) and task B through the whole network; every other',
    'method reads both through the whole network. BWT = task A after − task A before, in accuracy',
    'points. The task-incremental column restricts the head to the task’s own classes (the task',
    'is told), a different and easier setting. "Kept from task A" is what a method stores from',
    'task A besides the model: the slice file (NeuSemSlice), the replay buffer at one byte per',
    'pixel and label, or the Fisher diagonal in float32 (EWC). Seconds cover the whole strategy',
    '(Fisher or DeepArc similarity included, slicing on task A excluded: it is made once per seed).',
    'EWC is not in the paper. The paper has no LeNet-5 setting; its DeepArc row is "/" for the',
    'MLPs (no redundant layer).',
    '',
    ...sections.flatMap((section) => [section, '']),
    '## Where NeuSemSlice loses',
    '',
    ...(losses.length > 0
      ? losses.map((line) => `- ${line}`)
      : [
          '- Nowhere in these runs: NeuSemSlice beats replay and EWC on task A, task B and the mean.',
        ]),
    '',
  ].join('\n');
  writeFileAtomic(files.markdown, markdown);
  return files;
}
