import type { ClassAccuracyRow } from './class-accuracy';
import type { ClassOverlapRow, CriticalShareRow, LayerSizeRow } from './slice-composition';
import { ALL_LAYERS } from './slice-composition';
import type { SliceChangeRow } from './slice-diff';
import type { SweepPointRow } from './sweep-accuracy';

/** A Vega-Lite specification (plain JSON; vega-lite validates it when it compiles). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const PERCENT = '.1%';

/** Heat map: layer × class → share of the layer's neurons critical for the class. */
export function criticalSharesSpec(rows: CriticalShareRow[]): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    description: 'Share of each layer’s neurons critical for each class',
    data: { values: rows },
    mark: { type: 'rect', tooltip: true },
    width: { step: 44 },
    height: { step: 34 },
    encoding: {
      x: { field: 'className', type: 'ordinal', title: 'class', sort: { field: 'category' } },
      y: { field: 'layer', type: 'ordinal', title: 'layer', sort: null },
      color: {
        field: 'share',
        type: 'quantitative',
        title: 'critical share',
        scale: { scheme: 'blues', domain: [0, 1] },
        legend: { format: '%' },
      },
      tooltip: [
        { field: 'layer' },
        { field: 'className', title: 'class' },
        { field: 'critical', title: 'critical neurons' },
        { field: 'units', title: 'neurons in layer' },
        { field: 'share', title: 'share', format: PERCENT },
      ],
    },
  };
}

/** Bars: |Ω^l| / units per layer. */
export function layerSizesSpec(rows: LayerSizeRow[]): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    description: 'Critical neurons per layer (union over classes)',
    data: { values: rows },
    mark: { type: 'bar', tooltip: true },
    width: 420,
    height: { step: 26 },
    encoding: {
      y: { field: 'layer', type: 'ordinal', sort: null, title: 'layer' },
      x: {
        field: 'share',
        type: 'quantitative',
        title: 'critical neurons (share of the layer)',
        scale: { domain: [0, 1] },
        axis: { format: '%' },
      },
      tooltip: [
        { field: 'layer' },
        { field: 'critical', title: 'critical neurons' },
        { field: 'units', title: 'neurons in layer' },
        { field: 'share', title: 'share', format: PERCENT },
      ],
    },
  };
}

/** Class × class Jaccard heat map with a drop-down to choose one layer or all layers. */
export function classOverlapSpec(rows: ClassOverlapRow[], layerNames: string[]): VegaLiteSpec {
  const scopes = [ALL_LAYERS, ...layerNames];
  return {
    $schema: SCHEMA,
    description: 'Jaccard index of the classes’ critical sets',
    data: { values: rows },
    params: [
      {
        name: 'scope',
        value: ALL_LAYERS,
        bind: { input: 'select', options: scopes, name: 'layer: ' },
      },
    ],
    transform: [{ filter: 'datum.scope === scope' }],
    width: { step: 36 },
    height: { step: 36 },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          color: {
            field: 'jaccard',
            type: 'quantitative',
            title: 'Jaccard',
            scale: { scheme: 'oranges', domain: [0, 1] },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'jaccard', type: 'quantitative', format: '.2f' },
          color: { condition: { test: 'datum.jaccard > 0.6', value: 'white' }, value: 'black' },
        },
      },
    ],
    encoding: {
      x: { field: 'classA', type: 'ordinal', title: 'class', sort: null },
      y: { field: 'classB', type: 'ordinal', title: 'class', sort: null },
      tooltip: [
        { field: 'scope', title: 'layer' },
        { field: 'classA', title: 'class A' },
        { field: 'classB', title: 'class B' },
        { field: 'jaccard', title: 'Jaccard', format: '.3f' },
      ],
    },
  };
}

/** Accuracy against the swept value: the slicer's slices, and the random-slice mean ± std band. */
export function sweepAccuracySpec(
  rows: SweepPointRow[],
  optionLabel: string,
  sliceValue?: number,
): VegaLiteSpec {
  const values = rows.flatMap((row) => [
    { value: row.value, series: 'slice', accuracy: row.sliceAccuracy, low: null, high: null },
    {
      value: row.value,
      series: 'random slice (mean ± std)',
      accuracy: row.randomMean,
      low: Math.max(0, row.randomMean - row.randomStd),
      high: Math.min(1, row.randomMean + row.randomStd),
    },
  ]);
  const x = { field: 'value', type: 'quantitative', title: optionLabel, scale: { zero: false } };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: ['slice', 'random slice (mean ± std)'], range: ['#1f77b4', '#888888'] },
    legend: { orient: 'bottom' },
  };
  // A dashed rule marks the value the report's own slice was made with.
  const sliceRule =
    sliceValue === undefined
      ? []
      : [
          {
            data: { values: [{ value: sliceValue }] },
            mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
            encoding: { x: { field: 'value', type: 'quantitative' } },
          },
        ];
  return {
    $schema: SCHEMA,
    description: `Masked test accuracy against ${optionLabel}`,
    data: { values },
    width: 420,
    height: 260,
    layer: [
      {
        transform: [{ filter: 'datum.low !== null' }],
        mark: { type: 'area', opacity: 0.25 },
        encoding: {
          x,
          y: { field: 'low', type: 'quantitative' },
          y2: { field: 'high' },
          color,
        },
      },
      {
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x,
          y: {
            field: 'accuracy',
            type: 'quantitative',
            title: 'test accuracy (masked)',
            axis: { format: '%' },
            // Lines, not bars: a zoomed axis shows the gap between slice and random band.
            scale: { zero: false },
          },
          color,
          tooltip: [
            { field: 'series' },
            { field: 'value', title: optionLabel },
            { field: 'accuracy', format: '.2%' },
            { field: 'low', title: 'mean − std', format: '.2%' },
            { field: 'high', title: 'mean + std', format: '.2%' },
          ],
        },
      },
      ...sliceRule,
    ],
  };
}

/** Slice size (share of all neurons) against the swept value. */
export function sweepSizeSpec(rows: SweepPointRow[], optionLabel: string): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    description: `Slice size against ${optionLabel}`,
    data: { values: rows },
    width: 420,
    height: 260,
    mark: { type: 'line', point: true, tooltip: true, color: '#2ca02c' },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: optionLabel, scale: { zero: false } },
      y: {
        field: 'criticalShare',
        type: 'quantitative',
        title: 'critical neurons (share of all)',
        axis: { format: '%' },
      },
      tooltip: [
        { field: 'value', title: optionLabel },
        { field: 'critical', title: 'critical neurons' },
        { field: 'total', title: 'all neurons' },
        { field: 'criticalShare', title: 'share', format: PERCENT },
      ],
    },
  };
}

/** Grouped bars: per class, accuracy of the original, masked and restructured models. */
export function classAccuracySpec(rows: ClassAccuracyRow[]): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    description: 'Per-class test accuracy',
    data: { values: rows.filter((row) => Number.isFinite(row.accuracy)) },
    mark: { type: 'bar', tooltip: true },
    width: { step: 12 },
    height: 240,
    encoding: {
      x: { field: 'className', type: 'ordinal', title: 'class', sort: { field: 'category' } },
      xOffset: { field: 'model', sort: ['original', 'masked', 'restructured'] },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        title: 'test accuracy',
        axis: { format: '%' },
        scale: { domain: [0, 1] },
      },
      color: {
        field: 'model',
        type: 'nominal',
        sort: ['original', 'masked', 'restructured'],
        scale: { range: ['#bbbbbb', '#1f77b4', '#ff7f0e'] },
        legend: { orient: 'bottom', title: null },
      },
      tooltip: [
        { field: 'className', title: 'class' },
        { field: 'model' },
        { field: 'accuracy', format: '.2%' },
      ],
    },
  };
}

/** Stacked bars per layer: neurons kept, gained and lost from the first slice to the second. */
export function sliceChangesSpec(rows: SliceChangeRow[]): VegaLiteSpec {
  const values = rows.flatMap((row) =>
    (['kept', 'gained', 'lost'] as const).map((change) => ({
      layer: row.layer,
      change,
      neurons: row[change],
      units: row.units,
    })),
  );
  return {
    $schema: SCHEMA,
    description: 'Neurons kept, gained and lost per layer between two slices',
    data: { values },
    mark: { type: 'bar', tooltip: true },
    width: 420,
    height: { step: 26 },
    encoding: {
      y: { field: 'layer', type: 'ordinal', sort: null },
      x: { field: 'neurons', type: 'quantitative', title: 'neurons', stack: 'zero' },
      color: {
        field: 'change',
        type: 'nominal',
        sort: ['kept', 'gained', 'lost'],
        scale: { domain: ['kept', 'gained', 'lost'], range: ['#7f7f7f', '#2ca02c', '#d62728'] },
        legend: { orient: 'bottom', title: null },
      },
      order: { field: 'change', sort: 'ascending' },
      tooltip: [
        { field: 'layer' },
        { field: 'change' },
        { field: 'neurons' },
        { field: 'units', title: 'neurons in layer' },
      ],
    },
  };
}
