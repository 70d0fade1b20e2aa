import { type MeanStd, meanStd } from '@neusemslice/core';

// Mean ± std is core's (the report package uses it too); re-exported for the studies' modules.
export { type MeanStd, meanStd };

/** The names of a point's number fields. */
export type NumberField<Point> = {
  [Field in keyof Point]-?: Point[Field] extends number ? Field : never;
}[keyof Point];

/** Mean ± std over the points of each named number field, e.g. a table cell over seeds. */
export function meanStdOf<Point, Field extends NumberField<Point>>(
  points: readonly Point[],
  fields: readonly Field[],
): Record<Field, MeanStd> {
  return Object.fromEntries(
    fields.map((field) => [field, meanStd(points.map((point) => point[field] as number))]),
  ) as Record<Field, MeanStd>;
}

/** `12.34 ± 0.56%` for shares in [0, 1] (std left out for a single value). */
export function formatPercentMeanStd(stats: MeanStd, digits = 2): string {
  if (stats.count === 0) return '–';
  const mean = (100 * stats.mean).toFixed(digits);
  return stats.count > 1 ? `${mean} ± ${(100 * stats.std).toFixed(digits)}%` : `${mean}%`;
}

/** `7.2 ± 1.1` for plain numbers (iterations, seconds). */
export function formatMeanStd(stats: MeanStd, digits = 1): string {
  if (stats.count === 0) return '–';
  const mean = stats.mean.toFixed(digits);
  return stats.count > 1 ? `${mean} ± ${stats.std.toFixed(digits)}` : mean;
}

/** A Markdown table from a header and rows of cells. */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map((_, index) => (index === 0 ? '---' : '---:'))),
    ...rows.map(line),
  ].join('\n');
}
