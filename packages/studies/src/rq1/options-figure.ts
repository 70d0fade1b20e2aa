import {
  autoUnitRange,
  renderVegaLiteSvg,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
  withDescription,
} from '../svg-chart';
import { curveEncodings, RANDOM_COLOR, RANDOM_NAME, styleOf } from '../curve-encodings';
import type { Rq1Point } from './options-study';

/** The option study's slicers (no DeepArc), in legend order. */
const SERIES = ['global', 'category-wise', 'semantic'].map(styleOf);

/**
 * The option study's figure: one panel per (variant, setting), every seed's slices as dots
 * (semantic joined per seed in Θ order), and the random slices of the semantic slices' sizes as a
 * grey mean ± std band per seed.
 */
export function rq1OptionsSpec(
  points: readonly Rq1Point[],
  options: {
    variants: readonly string[];
    settings: readonly { id: string; label: string }[];
    metric: string;
  },
): VegaLiteSpec {
  const label = new Map(options.settings.map((setting) => [setting.id, setting.label]));
  const rows = points
    .filter((point) => point.metric === options.metric && options.variants.includes(point.variant))
    .flatMap((point) =>
      point.curve.map((entry) => ({
        variant: point.variant,
        setting: label.get(point.setting) ?? point.setting,
        seed: point.seed,
        slicer: entry.slicer,
        series: styleOf(entry.slicer).name,
        parameter: entry.parameter,
        compressionRate: entry.compressionRate,
        accuracy: entry.accuracy,
        randomMean: entry.randomMean,
        randomLow: entry.randomMean - entry.randomStd,
        randomHigh: entry.randomMean + entry.randomStd,
      })),
    );
  const yDomain = autoUnitRange(rows.flatMap((row) => [row.accuracy, row.randomLow]));
  const { x, y, color } = curveEncodings({
    yDomain,
    styles: SERIES,
    withRandom: true,
    xTitle: 'compression rate',
  });
  const semantic = { filter: "datum.slicer === 'semantic'" };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: `RQ1 options: masked accuracy vs compression rate (metric ${options.metric})`,
      subtitle: 'every seed; grey: random slices with the semantic slices’ per-layer sizes',
    },
    data: { values: rows },
    facet: {
      row: { field: 'variant', type: 'nominal', title: null, sort: [...options.variants] },
      column: {
        field: 'setting',
        type: 'nominal',
        title: null,
        sort: options.settings.map((setting) => setting.label),
      },
    },
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          transform: [semantic],
          mark: { type: 'area', opacity: 0.2, color: RANDOM_COLOR },
          encoding: {
            x,
            y: y('randomLow'),
            y2: { field: 'randomHigh' },
            detail: { field: 'seed' },
          },
        },
        {
          transform: [semantic, { calculate: `'${RANDOM_NAME}'`, as: 'series' }],
          mark: { type: 'line', strokeDash: [4, 3] },
          encoding: { x, y: y('randomMean'), color, detail: { field: 'seed' } },
        },
        {
          transform: [semantic],
          mark: { type: 'line' },
          encoding: { x, y: y('accuracy'), color, detail: { field: 'seed' } },
        },
        {
          mark: { type: 'point', filled: true, size: 20 },
          encoding: { x, y: y('accuracy'), color },
        },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
}

/** `rq1OptionsSpec` rendered, with the provenance line as the SVG's description. */
export function rq1OptionsSvg(
  points: readonly Rq1Point[],
  options: Parameters<typeof rq1OptionsSpec>[1] & { provenance: string },
): string {
  return withDescription(renderVegaLiteSvg(rq1OptionsSpec(points, options)), options.provenance);
}
