import type { CurvePoint } from './curves';
import type { BaselineComparison } from './interpolation';
import { type Band, bandLabel, type PilotRow } from './pilot';
import { percentText } from './pilot-report';
import { provenanceLine, type StudyProvenance } from './provenance';

/** The RQ1 check at one (metric, Θ). */
export interface SemanticCheckRow extends BaselineComparison {
  metric: string;
  theta: number;
  /** Random slices of the same per-layer sizes: mean and std of their accuracy (absent: not run). */
  randomMean?: number;
  randomStd?: number;
}

/** Whether a slice's accuracy is above its random baseline's mean (undefined: none was run). */
export function beatsRandom(point: { accuracy: number; randomMean?: number }): boolean | undefined {
  return point.randomMean === undefined ? undefined : point.accuracy > point.randomMean;
}

export interface SummaryInput {
  provenance: StudyProvenance;
  model: { neuronLayers: readonly { name: string; units: number }[]; parameters: number };
  slicingData: { name: string; size: number };
  testData: { name: string; size: number };
  baseAccuracy: number;
  metrics: readonly string[];
  bands: readonly Band[];
  keepRatios: readonly number[];
  thetas: readonly number[];
  tolerance: number;
  /** Random draws per slice (0: no random baseline). */
  randomDraws: number;
  /** What a dropped neuron output in the curves. */
  fill: 'zero' | 'mean';
  checks: readonly SemanticCheckRow[];
  pilot: readonly PilotRow[];
  points: readonly CurvePoint[];
  /** File names of the other outputs, by what they hold. */
  files: Record<string, string>;
  elapsedSeconds: number;
}

function points(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const text = (100 * value).toFixed(2);
  return value > 0 ? `+${text}` : text;
}

function list(values: readonly number[]): string {
  return values.map((value) => String(Math.round(value * 1000) / 1000)).join(', ');
}

/** Per metric, the keep ratios of global and category-wise points that are not in the grid. */
export function keepRatiosAdded(
  curvePoints: readonly CurvePoint[],
  keepRatios: readonly number[],
): { metric: string; global: number[]; categoryWise: number[] }[] {
  const metrics = [...new Set(curvePoints.map((point) => point.metric))];
  const added = (metric: string, slicer: string) =>
    curvePoints
      .filter(
        (point) =>
          point.metric === metric &&
          point.slicer === slicer &&
          point.parameterName === 'keepRatio' &&
          !keepRatios.includes(point.parameter),
      )
      .map((point) => point.parameter)
      .sort((a, b) => a - b);
  return metrics.map((metric) => ({
    metric,
    global: added(metric, 'global'),
    categoryWise: added(metric, 'category-wise'),
  }));
}

/** summary.md: provenance header, the semantic-vs-baselines check, pilot anomalies, DeepArc. */
export function summaryMarkdown(input: SummaryInput): string {
  const { provenance, checks } = input;
  const passed = checks.filter((row) => row.verdict === 'pass').length;
  const failed = checks.filter((row) => row.verdict === 'fail').length;
  const notComparable = checks.filter((row) => row.verdict === 'not comparable').length;
  const addedKeepRatios = keepRatiosAdded(input.points, input.keepRatios).filter(
    (row) => row.global.length + row.categoryWise.length > 0,
  );
  const lines: string[] = [
    `# Masking study (RQ1): ${provenance.modelLabel}`,
    '',
    `- Command: \`${provenance.command.replace(/`/g, "'")}\``,
    `- Seed: ${provenance.seed ?? 'not given'}`,
    `- Backend: ${provenance.backend ?? 'not given'}`,
    `- Date: ${provenance.date}`,
    `- Model: ${provenance.modelLabel}; neuron layers ${input.model.neuronLayers
      .map((layer) => `${layer.name} (${layer.units})`)
      .join(', ')}; ${input.model.parameters.toLocaleString('en-US')} parameters`,
    `- Slicing data: ${input.slicingData.name}, ${input.slicingData.size} samples`,
    `- Test data: ${input.testData.name}, ${input.testData.size} samples`,
    `- Test accuracy without masks: ${percentText(input.baseAccuracy)}`,
    `- Metrics: ${input.metrics.join(', ')}`,
    `- Pilot bands: ${input.bands.map(bandLabel).join(', ')}`,
    `- Global / category-wise keep ratios k: ${list(input.keepRatios)}` +
      (addedKeepRatios.length > 0
        ? '; added below this grid where semantic slices compressed further (see below)'
        : ''),
    `- Semantic thresholds Θ: ${list(input.thetas)}`,
    `- Dropped neurons output: ${input.fill === 'mean' ? 'their mean over the slicing data (mean replacement)' : '0 (masking)'}`,
    `- Random baseline: ${input.randomDraws > 0 ? `${input.randomDraws} seeded draws per slice, uniformly per layer with the slice's per-layer sizes` : 'not run'}`,
    `- Time: ${input.elapsedSeconds.toFixed(1)} s`,
    `- Files: ${Object.entries(input.files)
      .map(([what, name]) => `${what} \`${name}\``)
      .join(', ')}`,
    '',
    '## Semantic slicing against the better baseline at the same compression rate',
    '',
    `Result: ${passed} pass, ${failed} fail, ${notComparable} not comparable, of ${checks.length} (metric, Θ) pairs.` +
      (input.randomDraws > 0
        ? ` Above the random baseline's mean: ${checks.filter((row) => beatsRandom({ accuracy: row.semanticAccuracy, randomMean: row.randomMean })).length} of ${checks.length}.`
        : ''),
    '',
    "Each baseline's accuracy is interpolated linearly in compression rate between its two " +
      `neighbouring points (global and category-wise at k = ${list(input.keepRatios)}` +
      (addedKeepRatios.length > 0 ? ', plus the k added below' : '') +
      "); outside a baseline's " +
      'compression-rate range it is not comparable. The margin is semantic accuracy minus the ' +
      `better comparable baseline, in percentage points; pass means margin ≥ ${-100 * input.tolerance} points.`,
  ];
  if (addedKeepRatios.length > 0) {
    lines.push(
      '',
      "Keep ratios added below the paper's grid: where a metric's semantic slices compressed beyond " +
        "a baseline's lowest-k point, that baseline was also measured at k = 9%, 8%, … (descending) " +
        'until it compressed as far as the furthest semantic point (or k = 1% was reached), so those ' +
        'points have a baseline to compare with. Added:',
      '',
      '| metric | global | category-wise |',
      '| --- | --- | --- |',
      ...addedKeepRatios.map(
        (row) =>
          `| ${row.metric} | ${row.global.length > 0 ? list(row.global) : '—'} | ${row.categoryWise.length > 0 ? list(row.categoryWise) : '—'} |`,
      ),
    );
  }
  for (const metric of input.metrics) {
    lines.push(
      '',
      `### ${metric}`,
      '',
      '| Θ | compression rate | semantic | global (interp.) | category-wise (interp.) | margin (points) | verdict | random (same sizes) | > random |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const row of checks.filter((check) => check.metric === metric)) {
      const above = beatsRandom({ accuracy: row.semanticAccuracy, randomMean: row.randomMean });
      lines.push(
        `| ${row.theta.toFixed(2)} | ${percentText(row.compressionRate)} | ${percentText(row.semanticAccuracy)} | ` +
          `${row.globalAccuracy === undefined ? 'not comparable' : percentText(row.globalAccuracy)} | ` +
          `${row.categoryWiseAccuracy === undefined ? 'not comparable' : percentText(row.categoryWiseAccuracy)} | ` +
          `${points(row.margin)} | ${row.verdict} | ` +
          `${row.randomMean === undefined ? '—' : `${percentText(row.randomMean)} ± ${(100 * (row.randomStd ?? 0)).toFixed(2)}`} | ` +
          `${above === undefined ? '—' : above ? 'yes' : 'no'} |`,
      );
    }
  }
  if (input.randomDraws > 0) {
    lines.push(
      '',
      '## Each slicer against random slices of its own per-layer sizes',
      '',
      'Slices whose accuracy is above the mean of the random slices with the same number of neurons in every layer (k = 100% keeps everything, so it cannot be above).',
      '',
      '| metric | global | category-wise | semantic |',
      '| --- | --- | --- | --- |',
    );
    for (const metric of input.metrics) {
      const cells = ['global', 'category-wise', 'semantic'].map((slicer) => {
        const own = input.points.filter(
          (point) => point.metric === metric && point.slicer === slicer,
        );
        const above = own.filter((point) => beatsRandom(point) === true).length;
        return `${above} of ${own.length}`;
      });
      lines.push(`| ${metric} | ${cells.join(' | ')} |`);
    }
  }
  lines.push(
    '',
    '## Pilot anomalies (paper Tables 1–2)',
    '',
    'Bands after which accuracy fell (↓) although less critical neurons were masked.',
    '',
    '| metric | global ↓ | category-wise mean ↓ | category-wise per category ↓ |',
    '| --- | --- | --- | --- |',
  );
  for (const metric of input.metrics) {
    const falls = (select: (row: PilotRow) => boolean) =>
      input.pilot.filter((row) => row.metric === metric && row.trend === 'down' && select(row))
        .length;
    const comparisons = (select: (row: PilotRow) => boolean) =>
      input.pilot.filter((row) => row.metric === metric && row.trend !== undefined && select(row))
        .length;
    const global = (row: PilotRow) => row.setting === 'global';
    const mean = (row: PilotRow) => row.setting === 'category-wise' && row.category === 'mean';
    const perCategory = (row: PilotRow) =>
      row.setting === 'category-wise' && typeof row.category === 'number';
    lines.push(
      `| ${metric} | ${falls(global)} of ${comparisons(global)} | ${falls(mean)} of ${comparisons(mean)} | ` +
        `${falls(perCategory)} of ${comparisons(perCategory)} |`,
    );
  }
  const deepArc = input.points.filter((point) => point.slicer === 'deeparc');
  lines.push('', '## DeepArc', '');
  if (deepArc.length === 0) {
    lines.push('No slicer named `deeparc` is registered: no DeepArc point.');
  } else {
    for (const point of deepArc) {
      lines.push(
        `- threshold ${point.parameter}: compression rate ${percentText(point.compressionRate)}, ` +
          `accuracy ${percentText(point.accuracy)}, ${point.criticalNeurons} of ${point.totalNeurons} neurons kept`,
      );
    }
  }
  lines.push('', `<!-- ${provenanceLine(provenance).replace(/--/g, '- -')} -->`);
  return `${lines.join('\n')}\n`;
}
