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
  PAPER_STRATEGY_LABELS,
  PAPER_TABLE5,
  TABLE5_STRATEGIES,
  type Table5Strategy,
} from './paper-table5';
import { type ReadaptPoint, type ReadaptStudyPlan, retrainingEpochs } from './readapt-study';

/** readapt-table5.csv (per setting, attack and strategy), its -runs.csv and its .md. */
export type ReadaptStudyFiles = StudyReportFiles;

export interface ReadaptReportInput extends StudyReportBase {
  points: readonly ReadaptPoint[];
  plan: ReadaptStudyPlan;
  /** Runs not done, listed as such. */
  missing: readonly string[];
  notes: readonly string[];
}

/** Mean ± std over seeds of one setting, attack and strategy. */
export interface ReadaptCell {
  runs: number;
  tpr: MeanStd;
  ra: MeanStd;
  raa: MeanStd;
  cleanAccuracy: MeanStd;
  seconds: MeanStd;
  robustAccuracyBefore: MeanStd;
  cleanAccuracyBefore: MeanStd;
  trainedBlocks: string;
}

export function readaptCell(points: readonly ReadaptPoint[]): ReadaptCell {
  return {
    runs: points.length,
    ...meanStdOf(points, [
      'tpr',
      'ra',
      'raa',
      'cleanAccuracy',
      'seconds',
      'robustAccuracyBefore',
      'cleanAccuracyBefore',
    ]),
    trainedBlocks: [...new Set(points.map((point) => point.trainedBlocks))]
      .filter((blocks) => blocks.length > 0)
      .join(' / '),
  };
}

function percent(share: number): string {
  return `${(100 * share).toFixed(2)}%`;
}

/**
 * Plain sentences comparing NeuSemSlice with full training and DeepArc on one setting and attack:
 * "matches" full training means RA within 2 points; "beats" DeepArc means a higher RA, or the same
 * RA (within 0.5 points) with a lower TPR.
 */
export function readaptVerdicts(cells: Partial<Record<Table5Strategy, ReadaptCell>>): string[] {
  const lines: string[] = [];
  const ours = cells.neusemslice;
  if (!ours) return lines;
  const ra = (cell: ReadaptCell) => cell.ra.mean;
  const points = (share: number) => `${(100 * share).toFixed(2)} points`;
  if (cells.full) {
    const gap = ra(ours) - ra(cells.full);
    lines.push(
      gap > 0.02
        ? `NeuSemSlice beats full training on RA (${percent(ra(ours))} vs ${percent(ra(cells.full))}) with ${percent(ours.tpr.mean)} of the parameters trained.`
        : gap >= -0.02
          ? `NeuSemSlice matches full training on RA within 2 points (${percent(ra(ours))} vs ${percent(ra(cells.full))}) with ${percent(ours.tpr.mean)} of the parameters trained.`
          : `NeuSemSlice does **not** match full training on RA: ${percent(ra(ours))} vs ${percent(ra(cells.full))} (${points(-gap)} lower).`,
    );
  }
  if (cells.deeparc) {
    const gap = ra(ours) - ra(cells.deeparc);
    const tprGap = cells.deeparc.tpr.mean - ours.tpr.mean;
    const beats = gap > 0.005 || (gap >= -0.005 && tprGap > 0);
    lines.push(
      beats
        ? `NeuSemSlice beats DeepArc (RA ${percent(ra(ours))} vs ${percent(ra(cells.deeparc))}, TPR ${percent(ours.tpr.mean)} vs ${percent(cells.deeparc.tpr.mean)}).`
        : `NeuSemSlice does **not** beat DeepArc: RA ${percent(ra(ours))} vs ${percent(ra(cells.deeparc))}, TPR ${percent(ours.tpr.mean)} vs ${percent(cells.deeparc.tpr.mean)}.`,
    );
    const raaGap = ours.raa.mean - cells.deeparc.raa.mean;
    if (raaGap < 0) {
      lines.push(
        `On RAA NeuSemSlice is **below** DeepArc (${percent(ours.raa.mean)} vs ${percent(cells.deeparc.raa.mean)}).`,
      );
    }
  }
  if (cells.full && ours.raa.mean < cells.full.raa.mean) {
    lines.push(
      `On RAA NeuSemSlice is **below** full training (${percent(ours.raa.mean)} vs ${percent(cells.full.raa.mean)}).`,
    );
  }
  return lines;
}

/** Writes readapt-table5.csv, readapt-table5-runs.csv and readapt-table5.md. */
export function writeReadaptReport(input: ReadaptReportInput): ReadaptStudyFiles {
  const { plan, points } = input;
  const { files, provenance, machine } = studyReportHeader(input, 'readapt-table5');

  const groups: {
    setting: StudySetting;
    attack: string;
    cells: Partial<Record<Table5Strategy, ReadaptCell>>;
  }[] = [];
  for (const setting of input.settings) {
    for (const attack of plan.attacks) {
      const cells: Partial<Record<Table5Strategy, ReadaptCell>> = {};
      for (const strategy of plan.strategies) {
        const matching = points.filter(
          (point) =>
            point.setting === setting.id && point.attack === attack && point.strategy === strategy,
        );
        if (matching.length > 0) cells[strategy] = readaptCell(matching);
      }
      groups.push({ setting, attack, cells });
    }
  }

  const csvRows = groups.flatMap(({ setting, attack, cells }) =>
    TABLE5_STRATEGIES.filter((strategy) => cells[strategy]).map((strategy) => {
      const cell = cells[strategy] as ReadaptCell;
      const paper = PAPER_TABLE5[setting.id]?.[attack]?.[strategy];
      return [
        setting.label,
        attack,
        strategy,
        cell.runs,
        cell.tpr.mean,
        cell.tpr.std,
        cell.ra.mean,
        cell.ra.std,
        cell.raa.mean,
        cell.raa.std,
        cell.cleanAccuracy.mean,
        cell.cleanAccuracy.std,
        cell.seconds.mean,
        cell.seconds.std,
        cell.robustAccuracyBefore.mean,
        cell.cleanAccuracyBefore.mean,
        cell.trainedBlocks,
        paper?.tpr,
        paper?.ra,
        paper?.raa,
      ];
    }),
  );
  writeFileAtomic(
    files.csv,
    toCsv(
      provenance,
      [
        'setting',
        'attack',
        'strategy',
        'runs',
        'tpr_mean',
        'tpr_std',
        'ra_mean',
        'ra_std',
        'raa_mean',
        'raa_std',
        'clean_accuracy_mean',
        'clean_accuracy_std',
        'seconds_mean',
        'seconds_std',
        'robust_accuracy_before_mean',
        'clean_accuracy_before_mean',
        'trained_blocks',
        'paper_tpr',
        'paper_ra',
        'paper_raa',
      ],
      csvRows,
    ),
  );
  writeFileAtomic(
    files.runsCsv,
    toCsv(
      provenance,
      [
        'setting',
        'seed',
        'attack',
        'strategy',
        'epochs',
        'tpr',
        'ra',
        'raa',
        'robust_accuracy_before',
        'clean_accuracy',
        'clean_accuracy_before',
        'seconds',
        'trained_blocks',
      ],
      points.map((point) => [
        point.setting,
        point.seed,
        point.attack,
        point.strategy,
        point.epochs,
        point.tpr,
        point.ra,
        point.raa,
        point.robustAccuracyBefore,
        point.cleanAccuracy,
        point.cleanAccuracyBefore,
        point.seconds,
        point.trainedBlocks,
      ]),
    ),
  );

  const { retraining } = plan;
  const lines: string[] = [
    '# Table 5: model re-adaptation (RQ3)',
    '',
    `Command: \`${input.command}\``,
    '',
    `Seeds: ${input.seeds.join(', ')} · backend: ${input.backend ?? 'not given'} · machine: ${machine} · date ${input.startedAt.toISOString().slice(0, 10)} · study time ${(input.elapsedSeconds / 60).toFixed(1)} min (runs resumed from the checkpoint count as zero)`,
    '',
    ...input.notes.flatMap((note) => [note, '']),
    '## Setup and budget',
    '',
    `- Original models: each setting's trained original per seed (shared study cache); slice = ${plan.metric} + ${plan.slicer} ${JSON.stringify(plan.slicerOptions)} on ${plan.slicingPerClass} training samples per class (seeded).`,
    `- Attacks: ε = ${retraining.epsilon}; FGSM one step of ε; PGD α = ${retraining.stepSize}, ${retraining.steps} steps, uniform random start${retraining.steps === 40 && retraining.stepSize === 0.01 ? ' (SPEC §4 MNIST/FMNIST defaults)' : ' (**not** SPEC §4’s α = 0.01 and 40 steps: cut to fit the budget, with α · steps ≥ ε so the whole ε-ball is still reachable); the same PGD makes the adversarial samples of training, RA and RAA'}.`,
    `- Retraining (sized for a 2-core machine, not the paper's budget): the first ${retraining.samples} training samples, L = CE(x, y) + CE(adv(x), y) with adv made against the current weights at every step, ${retraining.optimizer} lr ${retraining.learningRate}, batch ${retraining.batchSize}, epochs: ${input.settings.map((setting) => `${setting.label} ${retrainingEpochs(retraining, setting)}`).join(', ')}; the same epochs for every strategy. Batch-norm statistics frozen.`,
    '- TPR = trained parameters / all parameters, biases included (a neuron owns its incoming kernel column or filter, its bias and batch-norm γ/β; the logits layer belongs to no neuron and is trained by `full` only).',
    '- RA = accuracy on the adversarial versions of those training samples made once against the **original** model, after retraining. RAA = accuracy on the **same** samples attacked again against the **retrained** model (fresh adversarial samples; PGD with a new random start). Clean accuracy on the test split.',
    '- DeepArc: the neuron layer (block) whose CKA between clean and adversarial activations (on the same samples, conv maps averaged over space) drops most from the block before it (the inputs for the first) is trained, whole; NeuSemSlice+DeepArc trains the critical neurons of that block only.',
    '- Seconds: retraining time only (attack generation during training included, RA/RAA attacks excluded).',
    '',
    '## Results (mean ± std over seeds) and the paper’s figures',
    '',
  ];
  for (const { setting, attack, cells } of groups) {
    const paper = PAPER_TABLE5[setting.id]?.[attack];
    const anyCell = Object.values(cells)[0];
    lines.push(`### ${setting.label}, ${attack.toUpperCase()}`, '');
    if (anyCell) {
      lines.push(
        `Before retraining: accuracy on the attacked samples ${formatPercentMeanStd(anyCell.robustAccuracyBefore)}, clean test accuracy ${formatPercentMeanStd(anyCell.cleanAccuracyBefore)}.`,
        '',
      );
    }
    const header = [
      'Method',
      'Runs',
      'TPR',
      'RA',
      'RAA',
      'Clean acc.',
      'Seconds',
      'Trained block',
      'Paper TPR',
      'Paper RA',
      'Paper RAA',
    ];
    const rows = TABLE5_STRATEGIES.filter((strategy) => cells[strategy]).map((strategy) => {
      const cell = cells[strategy] as ReadaptCell;
      const figures = paper?.[strategy];
      return [
        PAPER_STRATEGY_LABELS[strategy],
        String(cell.runs),
        formatPercentMeanStd(cell.tpr),
        formatPercentMeanStd(cell.ra),
        formatPercentMeanStd(cell.raa),
        formatPercentMeanStd(cell.cleanAccuracy),
        formatMeanStd(cell.seconds),
        cell.trainedBlocks || '–',
        figures ? percent(figures.tpr) : '–',
        figures ? percent(figures.ra) : '–',
        figures ? percent(figures.raa) : '–',
      ];
    });
    lines.push(markdownTable(header, rows), '');
    if (!paper) lines.push('The paper has no figures for this setting.', '');
    for (const verdict of readaptVerdicts(cells)) lines.push(`- ${verdict}`);
    lines.push('');
  }
  if (input.missing.length > 0) {
    lines.push(
      '## Runs not done within the budget',
      '',
      `${input.missing.length} run(s) were not run (setting | seed | attack | strategy); their cells average the seeds that were run (the Runs column of the CSV):`,
      '',
      ...input.missing.map((key) => `- ${key}`),
      '',
    );
  }
  writeFileAtomic(files.markdown, `${lines.join('\n')}\n`);
  return files;
}
