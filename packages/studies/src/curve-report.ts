import { toCsv } from './csv';
import type { CurvePoint } from './curves';
import {
  curveEncodings,
  RANDOM_COLOR,
  RANDOM_NAME,
  SLICER_STYLES,
  styleOf,
} from './curve-encodings';
import { provenanceLine, type StudyProvenance } from './provenance';
import {
  autoUnitRange,
  renderVegaLiteSvg,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
  withDescription,
} from './svg-chart';

/** The metric column of points that no metric ranked (DeepArc). */
export const ANY_METRIC = '-';

/** fig5.csv: one row per slice of Figure 5, with its random baseline beside it. */
export function fig5Csv(points: readonly CurvePoint[], provenance: StudyProvenance): string {
  return toCsv(
    provenanceLine(provenance),
    [
      'metric',
      'slicer',
      'parameterName',
      'parameter',
      'compressionRate',
      'accuracy',
      'criticalNeurons',
      'totalNeurons',
      'randomMean',
      'randomStd',
    ],
    points.map((point) => [
      point.metric,
      point.slicer,
      point.parameterName,
      point.parameter,
      point.compressionRate,
      point.accuracy,
      point.criticalNeurons,
      point.totalNeurons,
      point.randomMean,
      point.randomStd,
    ]),
  );
}

export interface Fig5Options {
  provenance: StudyProvenance;
  metrics: readonly string[];
  baseAccuracy?: number;
  yRange?: 'unit' | 'auto';
  subtitle?: string;
}

/**
 * Figure 5 as a Vega-Lite spec: one panel per metric, x = compression rate, y = masked accuracy,
 * a dot per slice (semantic joined in Θ order and labelled), the random baseline of the semantic
 * slices as a grey mean ± std band with its mean dashed, and the unmasked accuracy as a rule.
 */
export function fig5Spec(points: readonly CurvePoint[], options: Fig5Options): VegaLiteSpec {
  const rows = options.metrics.flatMap((metric) =>
    points
      .filter((point) => point.metric === metric || point.metric === ANY_METRIC)
      .map((point) => ({
        metric,
        series: styleOf(point.slicer).name,
        slicer: point.slicer,
        compressionRate: point.compressionRate,
        accuracy: point.accuracy,
        label: point.slicer === 'semantic' ? point.parameter.toFixed(2).replace(/^0/, '') : '',
        randomLow:
          point.randomMean === undefined ? null : point.randomMean - (point.randomStd ?? 0),
        randomHigh:
          point.randomMean === undefined ? null : point.randomMean + (point.randomStd ?? 0),
        randomMean: point.randomMean ?? null,
        randomSeries: RANDOM_NAME,
        baseAccuracy: options.baseAccuracy ?? null,
      })),
  );
  const lowValues = rows.flatMap((row) => [row.accuracy, row.randomLow ?? row.accuracy]);
  const yDomain = options.yRange === 'unit' ? [0, 1] : autoUnitRange(lowValues);
  const used = SLICER_STYLES.filter((style) => rows.some((row) => row.slicer === style.slicer));
  const hasRandom = rows.some((row) => row.slicer === 'semantic' && row.randomMean !== null);
  const { x, y, color } = curveEncodings({
    yDomain,
    styles: used,
    withRandom: hasRandom,
    xTitle: 'compression rate (parameters removed)',
    legendColumns: 2,
  });
  const semantic = { filter: "datum.slicer === 'semantic'" };
  const randomRows = { filter: "datum.slicer === 'semantic' && datum.randomMean !== null" };
  const layers: Record<string, unknown>[] = [];
  if (hasRandom) {
    layers.push(
      {
        transform: [randomRows],
        mark: { type: 'area', opacity: 0.25, color: RANDOM_COLOR },
        encoding: { x, y: y('randomLow'), y2: { field: 'randomHigh' } },
      },
      {
        transform: [randomRows, { calculate: 'datum.randomSeries', as: 'series' }],
        mark: { type: 'line', strokeDash: [4, 3] },
        encoding: { x, y: y('randomMean'), color },
      },
    );
  }
  layers.push(
    {
      transform: [semantic],
      mark: { type: 'line' },
      encoding: { x, y: y('accuracy'), color },
    },
    {
      mark: { type: 'point', filled: true, size: 36 },
      encoding: {
        x,
        y: y('accuracy'),
        color,
        shape: {
          field: 'series',
          type: 'nominal',
          scale: {
            domain: used.map((style) => style.name),
            range: used.map((style) => style.shape),
          },
          legend: null,
        },
        tooltip: [
          { field: 'series', title: 'slicer' },
          { field: 'label', title: 'Θ' },
          { field: 'compressionRate', format: '.1%' },
          { field: 'accuracy', format: '.2%' },
          { field: 'randomMean', title: 'random mean', format: '.2%' },
        ],
      },
    },
    {
      transform: [semantic],
      mark: { type: 'text', dx: 0, dy: -8, fontSize: 8 },
      encoding: { x, y: y('accuracy'), text: { field: 'label' } },
    },
  );
  if (options.baseAccuracy !== undefined) {
    layers.push({
      // One rule per panel, not one per row.
      transform: [{ aggregate: [{ op: 'max', field: 'baseAccuracy', as: 'baseAccuracy' }] }],
      mark: { type: 'rule', strokeDash: [2, 2], color: '#444444' },
      encoding: { y: y('baseAccuracy') },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: `Masked accuracy vs compression rate: ${options.provenance.modelLabel}`,
      subtitle: [
        ...(options.subtitle ? [options.subtitle] : []),
        ...(options.baseAccuracy !== undefined ? ['dotted line: accuracy without masks'] : []),
      ],
    },
    description: provenanceLine(options.provenance),
    data: { values: rows },
    facet: {
      field: 'metric',
      type: 'nominal',
      title: null,
      sort: [...options.metrics],
    },
    columns: Math.min(3, options.metrics.length),
    spec: { width: 240, height: 190, layer: layers },
    resolve: { scale: { y: 'shared' } },
  };
}

/** fig5.svg: `fig5Spec` rendered. */
export function fig5Svg(points: readonly CurvePoint[], options: Fig5Options): string {
  return withDescription(
    renderVegaLiteSvg(fig5Spec(points, options)),
    provenanceLine(options.provenance),
  );
}
