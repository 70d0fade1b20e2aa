import { writeFileAtomic } from '@neusemslice/core';
import { toCsv } from '../csv';
import { compareWithBaselines } from '../interpolation';
import * as path from 'node:path';
import {
  studyReportFiles,
  studyReportHeader,
  type StudyReportBase,
  type StudyReportHeader,
} from '../shared/report-header';
import { defaultChoices, defaultChoiceSection, winnerOutcome } from './default-choice';
import { rq1OptionsSvg } from './options-figure';
import type { Rq1Plan, Rq1Point } from './options-study';
import { RQ1_VARIANTS } from './variants';

/** One semantic slice checked against the better baseline and against random, at its Θ. */
export interface Rq1Check {
  setting: string;
  seed: number;
  variant: string;
  metric: string;
  theta: number;
  compressionRate: number;
  accuracy: number;
  /** The better of global and category-wise, interpolated at the slice's compression rate. */
  baselineAccuracy?: number;
  randomMean: number;
  randomStd: number;
  /** accuracy ≥ the better baseline (undefined: no baseline covers the rate). */
  beatsBaselines?: boolean;
  /** accuracy > the random slices' mean accuracy at the same per-layer sizes. */
  beatsRandom: boolean;
}

/** Every semantic point of the study, checked. */
export function rq1Checks(points: readonly Rq1Point[]): Rq1Check[] {
  return points.flatMap((point) => {
    const of = (slicer: string) => point.curve.filter((entry) => entry.slicer === slicer);
    const baselines = { global: of('global'), categoryWise: of('category-wise') };
    return of('semantic').map((entry) => {
      const comparison = compareWithBaselines(entry, baselines);
      return {
        setting: point.setting,
        seed: point.seed,
        variant: point.variant,
        metric: point.metric,
        theta: entry.parameter,
        compressionRate: entry.compressionRate,
        accuracy: entry.accuracy,
        baselineAccuracy: comparison.baselineAccuracy,
        randomMean: entry.randomMean,
        randomStd: entry.randomStd,
        beatsBaselines:
          comparison.verdict === 'not comparable' ? undefined : comparison.verdict === 'pass',
        beatsRandom: entry.accuracy > entry.randomMean,
      };
    });
  });
}

/** Counts of one group of checks. */
export interface CheckTally {
  checks: number;
  beatsBaselines: number;
  beatsRandom: number;
  /** Checks at or above the better baseline and above random: what the issue asks for. */
  beatsBoth: number;
  /** Mean of accuracy − better baseline over comparable checks, in points. */
  meanBaselineMargin: number;
  /** Mean of accuracy − random mean, in points. */
  meanRandomMargin: number;
}

export function tally(checks: readonly Rq1Check[]): CheckTally {
  const comparable = checks.filter((check) => check.baselineAccuracy !== undefined);
  const mean = (values: number[]) =>
    values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    checks: checks.length,
    beatsBaselines: checks.filter((check) => check.beatsBaselines === true).length,
    beatsRandom: checks.filter((check) => check.beatsRandom).length,
    beatsBoth: checks.filter((check) => check.beatsBaselines === true && check.beatsRandom).length,
    meanBaselineMargin: mean(
      comparable.map((check) => 100 * (check.accuracy - (check.baselineAccuracy as number))),
    ),
    meanRandomMargin: mean(checks.map((check) => 100 * (check.accuracy - check.randomMean))),
  };
}

/**
 * The variant that wins most often: the largest share of checks both at or above the better
 * baseline and above random over all settings (beating baselines that have fallen to chance
 * level does not count), then the share at or above the better baseline, then the larger mean
 * margin (shares,
 * so a variant run on more seeds is not favoured). Only variants run on every setting of the
 * study compete (conv-only variants cannot be a default for MLPs).
 */
export function winningVariant(
  checks: readonly Rq1Check[],
  metric: string,
): { variant: string; tally: CheckTally } | undefined {
  const settings = [...new Set(checks.map((check) => check.setting))];
  const candidates = [...new Set(checks.map((check) => check.variant))].filter((variant) =>
    settings.every((setting) =>
      checks.some(
        (check) =>
          check.variant === variant && check.setting === setting && check.metric === metric,
      ),
    ),
  );
  const scored = candidates.map((variant) => ({
    variant,
    tally: tally(checks.filter((check) => check.variant === variant && check.metric === metric)),
  }));
  const share = (count: number, of: number) => (of > 0 ? count / of : 0);
  scored.sort(
    (a, b) =>
      share(b.tally.beatsBaselines, b.tally.checks) -
        share(a.tally.beatsBaselines, a.tally.checks) ||
      share(b.tally.beatsRandom, b.tally.checks) - share(a.tally.beatsRandom, a.tally.checks) ||
      b.tally.meanBaselineMargin - a.tally.meanBaselineMargin,
  );
  return scored[0];
}

function signed(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `${value > 0 ? '+' : ''}${value.toFixed(2)}`;
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

function cell(counts: CheckTally): string {
  if (counts.checks === 0) return '—';
  return `${counts.beatsBaselines}/${counts.checks} · ${counts.beatsRandom}/${counts.checks} · **${counts.beatsBoth}/${counts.checks}** · ${signed(counts.meanBaselineMargin)} · ${signed(counts.meanRandomMargin)}`;
}

/** The columns of rq1-options.csv, one row per slice (`readRq1OptionsCsv` reads them back). */
export const RQ1_OPTIONS_CSV_COLUMNS: readonly string[] = [
  'setting',
  'seed',
  'variant',
  'metric',
  'fill',
  'slicer',
  'parameter',
  'compressionRate',
  'accuracy',
  'randomMean',
  'randomStd',
  'criticalNeurons',
  'totalNeurons',
  'categoryCompressionRate',
  'unmaskedAccuracy',
];

/** A report written again from the study's CSV rather than from a run. */
export interface Rq1OptionsRegeneration {
  /** The CSV's provenance line (without `# `), kept as it is. */
  provenance: string;
  /** The machine the study ran on, from that line. */
  machine: string;
  /** The CSV read, as given. */
  csvFile: string;
  /** The command that regenerated the report. */
  command: string;
}

export interface Rq1OptionsReportInput extends StudyReportBase {
  plan: Rq1Plan;
  points: readonly Rq1Point[];
  /** The metric of the variant screen; default 'taylor'. */
  metric?: string;
  /**
   * Set when the report is written from the study's CSV: its provenance (command, seeds, backend,
   * machine, date) is the CSV's, and the report says by which command it was regenerated.
   */
  regenerated?: Rq1OptionsRegeneration;
}

/** rq1-options.{csv,md}: the checks per variant and metric, random vs each slicer, compression. */
export function writeRq1OptionsReport(input: Rq1OptionsReportInput): {
  csv: string;
  markdown: string;
  svg: string;
} {
  const header: StudyReportHeader = input.regenerated
    ? {
        files: studyReportFiles(input.outDir, 'rq1-options'),
        provenance: input.regenerated.provenance,
        machine: input.regenerated.machine,
      }
    : studyReportHeader(input, 'rq1-options');
  const metric = input.metric ?? 'taylor';
  const settings = input.settings.map((setting) => setting.id);
  const labels = new Map(input.settings.map((setting) => [setting.id, setting.label]));
  const checks = rq1Checks(input.points);
  const rows = input.points.flatMap((point) =>
    point.curve.map((entry) => [
      point.setting,
      point.seed,
      point.variant,
      point.metric,
      point.fill,
      entry.slicer,
      entry.parameter,
      entry.compressionRate,
      entry.accuracy,
      entry.randomMean,
      entry.randomStd,
      entry.criticalNeurons,
      point.totalNeurons,
      entry.categoryCompressionRate,
      point.baseAccuracy,
    ]),
  );
  const csv = toCsv(header.provenance, RQ1_OPTIONS_CSV_COLUMNS, rows);
  const { plan } = input;
  const lines: string[] = [
    '# RQ1 options: what makes semantic slicing beat the baselines and chance',
    '',
    `- Command: \`${input.command}\``,
    `- Seeds (one trained original each): ${input.seeds.join(', ')}`,
    `- Backend: ${input.backend ?? 'not given'}; machine: ${header.machine}`,
    input.regenerated
      ? `- Date: ${input.startedAt.toISOString()}; time: not recorded in the CSV`
      : `- Date: ${input.startedAt.toISOString()}; time: ${input.elapsedSeconds.toFixed(0)} s (points read back from the checkpoint cost nothing)`,
    ...(input.regenerated
      ? [
          `- Regenerated from \`${path.basename(input.regenerated.csvFile)}\` (nothing recomputed) by \`${input.regenerated.command}\``,
        ]
      : []),
    `- Slicing data: ${plan.slicingPerClass} training samples per class (seeded); test data: the first ${plan.testSamples} test samples`,
    `- Semantic Θ: ${plan.thetas.join(', ')}; global / category-wise k: ${plan.keepRatios.join(', ')}`,
    `- Random baseline: ${plan.randomDraws} seeded draws per slice, uniformly per layer, with the slice's per-layer sizes`,
    `- Data: \`rq1-options.csv\` (one row per slice); figure: \`rq1-options.svg\` (variants \`default\` and the winner, every seed, with the random band)`,
    '',
    'Each cell: **≥ better baseline** (semantic accuracy at or above the better of global and',
    'category-wise, interpolated at the same compression rate) · **> random** (above the mean of',
    'random slices of the same per-layer sizes) · **both** (in bold: what issue 12 asks for) ·',
    "mean margin to the better baseline · mean margin to random's",
    'mean, both in accuracy points. Counts are over seeds × Θ. Under a mean-fill variant every',
    'slicer, random included, is evaluated with mean replacement.',
    '',
    `## Variants (metric ${metric})`,
    '',
    `| variant | what it changes | ${settings.map((id) => labels.get(id)).join(' | ')} |`,
    `| --- | --- | ${settings.map(() => '---').join(' | ')} |`,
  ];
  const variantsRun = RQ1_VARIANTS.filter((variant) =>
    checks.some((check) => check.variant === variant.name && check.metric === metric),
  );
  for (const variant of variantsRun) {
    const cells = settings.map((setting) =>
      cell(
        tally(
          checks.filter(
            (check) =>
              check.variant === variant.name &&
              check.metric === metric &&
              check.setting === setting,
          ),
        ),
      ),
    );
    lines.push(`| ${variant.name} | ${variant.description} | ${cells.join(' | ')} |`);
  }
  const winner = winningVariant(checks, metric);
  if (winner) {
    lines.push(
      '',
      `Most wins over all settings (variants run on every setting): **${winner.variant}** ` +
        `(${winner.tally.beatsBoth} of ${winner.tally.checks} checks both ≥ the better baseline and above random; ` +
        `${winner.tally.beatsBaselines} ≥ the better baseline, ${winner.tally.beatsRandom} above random). ` +
        'Ranked by the share of checks that beat both, then the share ≥ the better baseline, then the mean margin.',
    );
  }
  const outcomes = defaultChoices(checks, metric, labels);
  if (winner) lines.push('', winnerOutcome(winner.variant, outcomes));
  lines.push(
    '',
    ...defaultChoiceSection(
      outcomes,
      settings.map((id) => ({ id, label: labels.get(id) ?? id })),
      metric,
    ),
  );
  // The ranking-metric screen: every variant run with more than one metric.
  for (const variant of RQ1_VARIANTS) {
    const metricsRun = [
      ...new Set(
        checks.filter((check) => check.variant === variant.name).map((check) => check.metric),
      ),
    ];
    if (metricsRun.length < 2) continue;
    lines.push(
      '',
      `## Ranking metric under the semantic criterion (variant ${variant.name})`,
      '',
      `| metric | ${settings.map((id) => labels.get(id)).join(' | ')} |`,
      `| --- | ${settings.map(() => '---').join(' | ')} |`,
    );
    for (const name of metricsRun) {
      const cells = settings.map((setting) =>
        cell(
          tally(
            checks.filter(
              (check) =>
                check.variant === variant.name &&
                check.metric === name &&
                check.setting === setting,
            ),
          ),
        ),
      );
      lines.push(`| ${name} | ${cells.join(' | ')} |`);
    }
  }
  lines.push(
    '',
    '## How often each slicer beats random slices of its own per-layer sizes',
    '',
    `Every slice of the variants \`default\` (zero masking) and \`mean-fill\` (mean replacement), metric ${metric}, that drops at least one neuron: how many are above the mean of the random slices with their per-layer sizes.`,
    '',
    `| fill | slicer | ${settings.map((id) => labels.get(id)).join(' | ')} |`,
    `| --- | --- | ${settings.map(() => '---').join(' | ')} |`,
  );
  for (const variant of ['default', 'mean-fill']) {
    for (const slicer of ['global', 'category-wise', 'semantic']) {
      const cells = settings.map((setting) => {
        const entries = input.points
          .filter(
            (point) =>
              point.variant === variant && point.metric === metric && point.setting === setting,
          )
          .flatMap((point) =>
            point.curve.filter(
              (entry) => entry.slicer === slicer && entry.criticalNeurons < point.totalNeurons,
            ),
          );
        if (entries.length === 0) return '—';
        const above = entries.filter((entry) => entry.accuracy > entry.randomMean).length;
        return `${above}/${entries.length}`;
      });
      if (cells.every((text) => text === '—')) continue;
      lines.push(
        `| ${variant === 'default' ? 'zero' : 'mean'} | ${slicer} | ${cells.join(' | ')} |`,
      );
    }
  }
  lines.push(
    '',
    '## What compression each Θ really gives: union of categories vs a per-layer budget',
    '',
    `Metric ${metric}, mean over seeds. *per category*: the compression one category's own slice would give (mean over categories); *union*: the slice Algorithm 1 returns; *budget*: variant layer-budget.`,
    '',
    `| setting | Θ | per category | union | budget | union accuracy | budget accuracy |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const setting of settings) {
    for (const theta of plan.thetas) {
      const semanticOf = (variant: string) =>
        input.points
          .filter(
            (point) =>
              point.variant === variant && point.metric === metric && point.setting === setting,
          )
          .flatMap((point) =>
            point.curve.filter((entry) => entry.slicer === 'semantic' && entry.parameter === theta),
          );
      const union = semanticOf('default');
      if (union.length === 0) continue;
      const budget = semanticOf('layer-budget');
      const mean = (values: number[]) =>
        values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
      const show = (values: number[]) => (values.length === 0 ? '—' : percent(mean(values)));
      lines.push(
        `| ${labels.get(setting)} | ${theta.toFixed(2)} | ${show(union.map((entry) => entry.categoryCompressionRate ?? NaN))} | ` +
          `${show(union.map((entry) => entry.compressionRate))} | ${show(budget.map((entry) => entry.compressionRate))} | ` +
          `${show(union.map((entry) => entry.accuracy))} | ${show(budget.map((entry) => entry.accuracy))} |`,
      );
    }
  }
  const markdown = `${lines.join('\n')}\n`;
  const svg = path.join(input.outDir, 'rq1-options.svg');
  const shown = [...new Set(['default', ...(winner ? [winner.variant] : [])])];
  writeFileAtomic(header.files.csv, csv);
  writeFileAtomic(header.files.markdown, markdown);
  writeFileAtomic(
    svg,
    rq1OptionsSvg(input.points, {
      variants: shown,
      settings: input.settings,
      metric,
      provenance: header.provenance,
    }),
  );
  return { csv: header.files.csv, markdown: header.files.markdown, svg };
}
