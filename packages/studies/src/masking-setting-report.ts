import type { CurvePoint } from './curves';
import type { MaskingStudyFiles } from './masking-study';
import { percentText } from './pilot-report';
import type { StudyReportBase } from './shared/report-header';
import { machineLine } from './shared/report-header';
import type { StudySetting } from './shared/settings';
import { markdownTable } from './shared/summary-stats';
import { beatsRandom, keepRatiosAdded, type SemanticCheckRow } from './summary-report';

/** What the setting's summary keeps of one model's masking study (the checkpointed point). */
export interface MaskingModelRun {
  seed: number;
  /** Test accuracy without masks. */
  baseAccuracy: number;
  checks: SemanticCheckRow[];
  points: CurvePoint[];
  /** File names of the model's own outputs, in the same folder as the summary. */
  files: MaskingStudyFiles;
  elapsedSeconds: number;
}

/** Counts of one model's (metric, Θ) checks. */
export interface MaskingRunCounts {
  pass: number;
  fail: number;
  notComparable: number;
  /** Semantic accuracy above the random slices' mean of the same per-layer sizes. */
  aboveRandom: number;
  /** Points with Θ ≥ 0.9 at or below the random mean (issue 12: none allowed). */
  notAboveRandomFromTheta90: number;
  /** Points with a random baseline at all (none when the study drew no random slices). */
  randomMeasured: number;
  total: number;
}

/** Whether a check counts for "above random at every Θ ≥ 0.9". */
const THETA_FLOOR = 0.9 - 1e-9;

export function maskingRunCounts(checks: readonly SemanticCheckRow[]): MaskingRunCounts {
  const versusRandom = (check: SemanticCheckRow) =>
    beatsRandom({ accuracy: check.semanticAccuracy, randomMean: check.randomMean });
  const above = (check: SemanticCheckRow) => versusRandom(check) === true;
  return {
    pass: checks.filter((check) => check.verdict === 'pass').length,
    fail: checks.filter((check) => check.verdict === 'fail').length,
    notComparable: checks.filter((check) => check.verdict === 'not comparable').length,
    aboveRandom: checks.filter(above).length,
    // A point without random draws is not counted either way.
    notAboveRandomFromTheta90: checks.filter(
      (check) => check.theta >= THETA_FLOOR && versusRandom(check) === false,
    ).length,
    randomMeasured: checks.filter((check) => versusRandom(check) !== undefined).length,
    total: checks.length,
  };
}

/** "N: met" / "N: missed" for the Θ ≥ 0.9 random check, or "not measured" without random draws. */
function randomVerdict(count: MaskingRunCounts): string {
  if (count.randomMeasured === 0) return 'not measured';
  return `${count.notAboveRandomFromTheta90}: ${count.notAboveRandomFromTheta90 === 0 ? 'met' : 'missed'}`;
}

function sumCounts(counts: readonly MaskingRunCounts[]): MaskingRunCounts {
  const sum = (field: keyof MaskingRunCounts) =>
    counts.reduce((total, count) => total + count[field], 0);
  return {
    pass: sum('pass'),
    fail: sum('fail'),
    notComparable: sum('notComparable'),
    aboveRandom: sum('aboveRandom'),
    notAboveRandomFromTheta90: sum('notAboveRandomFromTheta90'),
    randomMeasured: sum('randomMeasured'),
    total: sum('total'),
  };
}

/** `0.01, 0.02` or `0.01 … 0.05` for a run of hundredths; `—` for none. */
function keepRatioList(values: readonly number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === 0) return '—';
  return sorted.length > 2
    ? `${sorted[0]} … ${sorted[sorted.length - 1]} (${sorted.length} values)`
    : sorted.join(', ');
}

export interface MaskingSettingReportInput extends StudyReportBase {
  label: string;
  setting: StudySetting;
  /** Share of points that must pass per model (issue 12); undefined: no target for this setting. */
  passTarget?: number;
  runs: readonly MaskingModelRun[];
  perModel: {
    metrics: readonly string[];
    keepRatios: readonly number[];
    thetas: readonly number[];
    fill: 'zero' | 'mean';
    slicerOptions: Record<string, unknown>;
    randomDraws: number;
    slicingPerClass: number;
    testSamples?: number;
  };
}

/** The setting's summary: per-model counts, their totals and issue 12's targets, met or missed. */
export function maskingSettingMarkdown(input: MaskingSettingReportInput): string {
  const { runs, perModel } = input;
  const counts = runs.map((run) => maskingRunCounts(run.checks));
  const total = sumCounts(counts);
  const needed = (points: number) =>
    input.passTarget === undefined ? undefined : Math.ceil(input.passTarget * points - 1e-9);
  // (metric, Θ) points per model: 5 metrics × 10 Θ in the paper's grid.
  const pointsPerModel = perModel.metrics.length * perModel.thetas.length;
  const semanticOptions = Object.entries(perModel.slicerOptions);
  const first = runs[0];
  const lines: string[] = [
    `# Masking study (RQ1) over ${runs.length} trained model${runs.length === 1 ? '' : 's'}: ${input.label}`,
    '',
    `- Command: \`${input.command.replace(/`/g, "'")}\``,
    `- Setting: ${input.setting.id} (${input.setting.model} on ${input.setting.dataset}, trained ${input.setting.epochs} epochs with Adam, one model per seed)`,
    `- Seeds: ${input.seeds.join(', ')}`,
    `- Backend: ${input.backend ?? 'not given'}`,
    `- Machine: ${machineLine()}`,
    `- Date: ${input.startedAt.toISOString()}; this call took ${input.elapsedSeconds.toFixed(0)} s ` +
      `(models: ${runs.map((run) => `seed ${run.seed} ${run.elapsedSeconds.toFixed(0)} s`).join(', ')}; a model finished by an earlier call is read from the checkpoint)`,
    `- Per model: metrics ${perModel.metrics.join(', ')}; Θ = ${perModel.thetas.join(', ')}; ` +
      `global / category-wise k = ${perModel.keepRatios.join(', ')} (plus k < ${Math.min(...perModel.keepRatios)} where semantic slices compressed further, listed per model below); ` +
      `dropped neurons output ${perModel.fill === 'mean' ? 'their mean over the slicing data' : '0'}; ` +
      `semantic slicer options: ${semanticOptions.length > 0 ? semanticOptions.map(([name, value]) => `${name} = ${String(value)}`).join(', ') : "the slicer's defaults"}; ` +
      `${perModel.randomDraws} random draws per slice; ${perModel.slicingPerClass} slicing samples per class (seeded by the model's seed); ` +
      `${perModel.testSamples === undefined ? 'the whole test split' : `the first ${perModel.testSamples} test samples`}`,
    '',
  ];
  if (first) {
    lines.push(
      `![Figure 5 of the seed-${first.seed} model](${first.files.fig5Svg})`,
      '',
      `The figure is the seed-${first.seed} model's (every model's own figure is linked below), with the band of random slices of the semantic slices' per-layer sizes (mean ± std).`,
      '',
    );
  }
  lines.push(
    '## Semantic slicing at or above the better baseline at equal compression, per model',
    '',
    input.passTarget === undefined
      ? 'Issue 12 sets no target for this setting.'
      : `Issue 12's target: at or above the better of global and category-wise on ≥ ${needed(pointsPerModel)} of ${pointsPerModel} (metric, Θ) points (${Math.round(100 * input.passTarget)}%) per model, and above the random baseline's mean at every Θ ≥ 0.9.`,
    '',
    markdownTable(
      [
        'model',
        'accuracy without masks',
        'pass',
        'fail',
        'not comparable',
        'pass target',
        'above random',
        'Θ ≥ 0.9 not above random',
        'k added (global / category-wise)',
        'details',
      ],
      [
        ...runs.map((run, index) => {
          const count = counts[index];
          const target = needed(count.total);
          const added = keepRatiosAdded(run.points, perModel.keepRatios);
          return [
            `seed ${run.seed}`,
            percentText(run.baseAccuracy),
            `${count.pass} of ${count.total}`,
            String(count.fail),
            String(count.notComparable),
            target === undefined ? '—' : `≥ ${target}: ${count.pass >= target ? 'met' : 'missed'}`,
            `${count.aboveRandom} of ${count.total}`,
            randomVerdict(count),
            `${keepRatioList(added.flatMap((row) => row.global))} / ${keepRatioList(added.flatMap((row) => row.categoryWise))}`,
            `[summary](${run.files.summary}), [figure](${run.files.fig5Svg}), [pilot](${run.files.pilotMarkdown})`,
          ];
        }),
        [
          '**all models**',
          '',
          `**${total.pass} of ${total.total}**`,
          `**${total.fail}**`,
          `**${total.notComparable}**`,
          needed(total.total) === undefined
            ? '—'
            : `**≥ ${needed(total.total)}: ${total.pass >= (needed(total.total) as number) ? 'met' : 'missed'}**`,
          `**${total.aboveRandom} of ${total.total}**`,
          `**${randomVerdict(total)}**`,
          '',
          '',
        ],
      ],
    ),
    '',
  );
  const modelsMet =
    input.passTarget === undefined
      ? undefined
      : counts.filter((count) => count.pass >= (needed(count.total) as number)).length;
  lines.push(
    modelsMet === undefined
      ? `In words: ${total.pass} of ${total.total} points pass over ${runs.length} models.`
      : `In words: the pass target is ${modelsMet === runs.length ? 'met' : 'missed'} (${modelsMet} of ${runs.length} models reach it; ${total.pass} of ${total.total} points pass in all, ${total.fail} fail and ${total.notComparable} have no baseline at their compression rate). ` +
          `Above random at every Θ ≥ 0.9: ${total.randomMeasured === 0 ? 'not measured (no random draws)' : total.notAboveRandomFromTheta90 === 0 ? 'met' : `missed (${total.notAboveRandomFromTheta90} point${total.notAboveRandomFromTheta90 === 1 ? '' : 's'} at or below the random mean)`}.`,
    '',
    '## Per metric, over all models',
    '',
    markdownTable(
      ['metric', 'pass', 'fail', 'not comparable', 'above random'],
      perModel.metrics.map((metric) => {
        const count = maskingRunCounts(
          runs.flatMap((run) => run.checks.filter((check) => check.metric === metric)),
        );
        return [
          metric,
          `${count.pass} of ${count.total}`,
          String(count.fail),
          String(count.notComparable),
          `${count.aboveRandom} of ${count.total}`,
        ];
      }),
    ),
    '',
  );
  const belowRandom = runs.flatMap((run) =>
    run.checks
      .filter(
        (check) =>
          check.theta >= THETA_FLOOR &&
          beatsRandom({ accuracy: check.semanticAccuracy, randomMean: check.randomMean }) === false,
      )
      .map((check) => ({ seed: run.seed, check })),
  );
  if (belowRandom.length > 0) {
    lines.push(
      '## Semantic points not above the random mean',
      '',
      markdownTable(
        ['model', 'metric', 'Θ', 'compression rate', 'semantic', 'random (mean ± std)'],
        belowRandom.map(({ seed, check }) => [
          `seed ${seed}`,
          check.metric,
          check.theta.toFixed(2),
          percentText(check.compressionRate),
          percentText(check.semanticAccuracy),
          check.randomMean === undefined
            ? 'not run'
            : `${percentText(check.randomMean)} ± ${(100 * (check.randomStd ?? 0)).toFixed(2)}`,
        ]),
      ),
      '',
    );
  }
  lines.push(`<!-- command: ${input.command.replace(/--/g, '- -')} -->`);
  return `${lines.join('\n')}\n`;
}
