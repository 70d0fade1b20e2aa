/**
 * What the accuracy/compression figures share (Figure 5 and the RQ1 option study): the slicers'
 * legend names, colours (colour-blind-safe Okabe–Ito hues) and shapes, and the Vega-Lite
 * encodings of compression rate (x), accuracy (y) and slicer colour.
 */

export interface SlicerStyle {
  slicer: string;
  name: string;
  color: string;
  shape: string;
}

export const SLICER_STYLES: readonly SlicerStyle[] = [
  { slicer: 'global', name: 'global (top k per layer)', color: '#0072B2', shape: 'circle' },
  {
    slicer: 'category-wise',
    name: 'category-wise (top k per category)',
    color: '#E69F00',
    shape: 'square',
  },
  { slicer: 'semantic', name: 'semantic (Θ)', color: '#009E73', shape: 'circle' },
  { slicer: 'deeparc', name: 'DeepArc', color: '#D55E00', shape: 'cross' },
];

/** The legend entry of the random slices drawn with the semantic slices' per-layer sizes. */
export const RANDOM_NAME = 'random, same sizes as semantic (mean ± std)';
export const RANDOM_COLOR = '#888888';

/** The style of a slicer; an unknown slicer gets its name, pink and diamonds. */
export function styleOf(slicer: string): SlicerStyle {
  return (
    SLICER_STYLES.find((style) => style.slicer === slicer) ?? {
      slicer,
      name: slicer,
      color: '#CC79A7',
      shape: 'diamond',
    }
  );
}

/**
 * x = `compressionRate` on [0, 1], y = an accuracy field on `yDomain` (clamped), both as
 * percentages, and the colour of field `series` over `styles` (then the random series when
 * `withRandom`).
 */
export function curveEncodings(options: {
  yDomain: readonly number[];
  styles: readonly Pick<SlicerStyle, 'name' | 'color'>[];
  withRandom: boolean;
  xTitle: string;
  legendColumns?: number;
}) {
  const x = {
    field: 'compressionRate',
    type: 'quantitative',
    title: options.xTitle,
    scale: { domain: [0, 1] },
    axis: { format: '%' },
  };
  const y = (field: string) => ({
    field,
    type: 'quantitative',
    title: 'test accuracy',
    scale: { domain: options.yDomain, clamp: true },
    axis: { format: '%' },
  });
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: {
      domain: [
        ...options.styles.map((style) => style.name),
        ...(options.withRandom ? [RANDOM_NAME] : []),
      ],
      range: [
        ...options.styles.map((style) => style.color),
        ...(options.withRandom ? [RANDOM_COLOR] : []),
      ],
    },
    legend: {
      orient: 'bottom',
      ...(options.legendColumns === undefined ? {} : { columns: options.legendColumns }),
      labelLimit: 400,
    },
  };
  return { x, y, color };
}
