import { toCsv } from './csv';
import type { CurvePoint } from './curves';
import { provenanceLine, type StudyProvenance } from './provenance';
import { type ChartPanel, type ChartSeries, type MarkerShape, renderPanelChart } from './svg-chart';

/** The metric column of points that no metric ranked (DeepArc). */
export const ANY_METRIC = '-';

/** fig5.csv: one row per slice of Figure 5. */
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
    ]),
  );
}

interface SeriesStyle {
  name: string;
  color: string;
  marker: MarkerShape;
  line?: boolean;
  label?: (parameter: number) => string;
}

/** Colours and markers per slicer (colour-blind-safe Okabe–Ito hues). */
const STYLES: Record<string, SeriesStyle> = {
  global: { name: 'global (top k per layer)', color: '#0072B2', marker: 'circle' },
  'category-wise': {
    name: 'category-wise (top k per category)',
    color: '#E69F00',
    marker: 'square',
  },
  semantic: {
    name: 'semantic (Θ)',
    color: '#009E73',
    marker: 'circle',
    line: true,
    label: (theta) => theta.toFixed(2).replace(/^0/, ''),
  },
  deeparc: { name: 'DeepArc', color: '#D55E00', marker: 'star' },
};

function styleFor(slicer: string): SeriesStyle {
  return STYLES[slicer] ?? { name: slicer, color: '#CC79A7', marker: 'circle' };
}

/** fig5.svg: one panel per metric, x = compression rate, y = masked accuracy. */
export function fig5Svg(
  points: readonly CurvePoint[],
  options: {
    provenance: StudyProvenance;
    metrics: readonly string[];
    baseAccuracy?: number;
    yRange?: 'unit' | 'auto';
    subtitle?: string;
  },
): string {
  const slicerOrder = ['global', 'category-wise', 'semantic', 'deeparc'];
  const slicers = [...new Set(points.map((point) => point.slicer))].sort(
    (a, b) => (slicerOrder.indexOf(a) + 1 || 99) - (slicerOrder.indexOf(b) + 1 || 99),
  );
  const panels: ChartPanel[] = options.metrics.map((metric) => {
    const series: ChartSeries[] = slicers.flatMap((slicer) => {
      const own = points.filter(
        (point) =>
          point.slicer === slicer && (point.metric === metric || point.metric === ANY_METRIC),
      );
      if (own.length === 0) return [];
      const style = styleFor(slicer);
      return [
        {
          name: style.name,
          color: style.color,
          marker: style.marker,
          line: style.line,
          points: own.map((point) => ({
            x: point.compressionRate,
            y: point.accuracy,
            label: style.label?.(point.parameter),
          })),
        },
      ];
    });
    return {
      title: metric,
      series,
      reference:
        options.baseAccuracy !== undefined
          ? { y: options.baseAccuracy, name: 'no mask' }
          : undefined,
    };
  });
  return renderPanelChart(panels, {
    title: `Masked accuracy vs compression rate: ${options.provenance.modelLabel}`,
    subtitle: options.subtitle,
    description: provenanceLine(options.provenance),
    xLabel: 'compression rate (parameters removed)',
    yLabel: 'test accuracy',
    yRange: options.yRange ?? 'auto',
  });
}
