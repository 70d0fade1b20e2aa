/**
 * A small panel-grid scatter/line chart written as plain SVG text (no dependencies), for study
 * figures such as the paper's Figure 5.
 */

export type MarkerShape = 'circle' | 'square' | 'star';

export interface ChartPoint {
  x: number;
  y: number;
  /** Small text drawn beside the point (e.g. Θ); labels that would overlap are skipped. */
  label?: string;
}

export interface ChartSeries {
  name: string;
  /** CSS colour. */
  color: string;
  marker: MarkerShape;
  /** Join the points in the given order. */
  line?: boolean;
  points: readonly ChartPoint[];
}

export interface ChartPanel {
  title: string;
  series: readonly ChartSeries[];
  /** A dashed horizontal reference line, e.g. the accuracy without masks. */
  reference?: { y: number; name: string };
}

export interface PanelChartOptions {
  title: string;
  subtitle?: string;
  /** Goes into the SVG's <desc> (e.g. the command that produced the data). */
  description?: string;
  xLabel: string;
  yLabel: string;
  /** x axis range; default [0, 1]. */
  xRange?: readonly [number, number];
  /** 'unit' = [0, 1]; 'auto' = from just below the lowest y value up to 1; or explicit. */
  yRange?: 'unit' | 'auto' | readonly [number, number];
  /** Format of tick labels; default percentages. */
  formatTick?: (value: number) => string;
  /** Panels per row; default min(3, panels). */
  columns?: number;
  panelWidth?: number;
  panelHeight?: number;
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const PLOT_MARGIN = { left: 52, right: 14, top: 26, bottom: 42 };
const PAGE_MARGIN = 16;
const TITLE_HEIGHT = 36;
const SUBTITLE_LINE_HEIGHT = 15;
/** About 6 px per character at font size 11. */
const SUBTITLE_CHAR_WIDTH = 6;
const MIN_WIDTH = 640;
const REFERENCE_COLOR = '#777777';

/** Escapes text for use in SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function fixed(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

function defaultTick(value: number): string {
  return `${Math.round(value * 1000) / 10}%`;
}

/** A tick step near span / 5 from the 1-2-2.5-5 sequence. */
export function niceStep(span: number): number {
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((s) => s >= raw);
  return step ?? 10 * magnitude;
}

function ticks([low, high]: readonly [number, number]): number[] {
  const step = niceStep(high - low);
  const values: number[] = [];
  for (let value = Math.ceil(low / step - 1e-9) * step; value <= high + 1e-9; value += step)
    values.push(Math.round(value / step) * step);
  return values;
}

/** The y range 'auto' picks: from the lowest value less a margin, rounded down to 0.1, up to 1. */
export function autoUnitRange(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lowest = Math.min(...finite);
  const high = Math.max(1, ...finite);
  const low = Math.max(0, Math.floor((lowest - 0.02) * 10) / 10);
  return [Math.min(low, high - 0.1), high];
}

function markerSvg(shape: MarkerShape, x: number, y: number, color: string, size = 1): string {
  if (shape === 'circle')
    return `<circle cx="${fixed(x)}" cy="${fixed(y)}" r="${fixed(3.2 * size)}" fill="${color}" />`;
  if (shape === 'square') {
    const half = 3 * size;
    return `<rect x="${fixed(x - half)}" y="${fixed(y - half)}" width="${fixed(2 * half)}" height="${fixed(2 * half)}" fill="${color}" />`;
  }
  const corners: string[] = [];
  for (let corner = 0; corner < 10; corner++) {
    const radius = (corner % 2 === 0 ? 7.5 : 3.1) * size;
    const angle = -Math.PI / 2 + (corner * Math.PI) / 5;
    corners.push(`${fixed(x + radius * Math.cos(angle))},${fixed(y + radius * Math.sin(angle))}`);
  }
  return `<polygon points="${corners.join(' ')}" fill="${color}" stroke="#ffffff" stroke-width="0.6" />`;
}

interface LegendEntry {
  name: string;
  color: string;
  marker?: MarkerShape;
  dashed?: boolean;
  line?: boolean;
}

const LEGEND_ROW_HEIGHT = 20;

/** Legend entries laid out left to right, wrapping into rows within `width`. */
function layoutLegend(
  entries: readonly LegendEntry[],
  width: number,
): { entry: LegendEntry; x: number; row: number }[] {
  const placed: { entry: LegendEntry; x: number; row: number }[] = [];
  let cursor = 0;
  let row = 0;
  for (const entry of entries) {
    // About 7 px per character at font size 12, plus the key and a gap.
    const entryWidth = 28 + 7 * entry.name.length + 22;
    if (cursor > 0 && cursor + entryWidth > width) {
      row++;
      cursor = 0;
    }
    placed.push({ entry, x: cursor, row });
    cursor += entryWidth;
  }
  return placed;
}

function legendSvg(
  placed: readonly { entry: LegendEntry; x: number; row: number }[],
  left: number,
  top: number,
): string {
  const parts: string[] = [];
  for (const { entry, x: offset, row } of placed) {
    const x = left + offset;
    const y = top + row * LEGEND_ROW_HEIGHT;
    if (entry.dashed || entry.line) {
      parts.push(
        `<line x1="${fixed(x)}" y1="${fixed(y)}" x2="${fixed(x + 22)}" y2="${fixed(y)}" stroke="${entry.color}" stroke-width="1.5"${entry.dashed ? ' stroke-dasharray="4 3"' : ''} />`,
      );
    }
    if (entry.marker) parts.push(markerSvg(entry.marker, x + 11, y, entry.color));
    parts.push(
      `<text x="${fixed(x + 28)}" y="${fixed(y + 4)}" font-size="12" ${FONT}>${escapeXml(entry.name)}</text>`,
    );
  }
  return `<g class="legend">${parts.join('')}</g>`;
}

/** Splits text after '; ' or ', ' into lines of at most `maxChars` characters where it can. */
export function wrapText(text: string, maxChars: number): string[] {
  const pieces = text.split(/(?<=[;,] )/);
  const lines: string[] = [];
  for (const piece of pieces) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last] + piece).trimEnd().length <= maxChars) lines[last] += piece;
    else lines.push(piece);
  }
  return lines.map((line) => line.trimEnd());
}

/** Renders panels in a grid, each with its own axes and the same ranges, as an SVG document. */
export function renderPanelChart(
  panels: readonly ChartPanel[],
  options: PanelChartOptions,
): string {
  const columns = Math.max(1, options.columns ?? Math.min(3, panels.length));
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const panelWidth = options.panelWidth ?? 320;
  const panelHeight = options.panelHeight ?? 260;
  const gridWidth = columns * panelWidth;
  const width = Math.max(MIN_WIDTH, 2 * PAGE_MARGIN + gridWidth);
  // The grid is centred when the page is wider than it (one or two panels).
  const gridLeft = (width - gridWidth) / 2;
  // Legend: every series name once, in first-seen order, then the reference line.
  const legend = new Map<string, LegendEntry>();
  for (const panel of panels)
    for (const series of panel.series)
      if (!legend.has(series.name))
        legend.set(series.name, {
          name: series.name,
          color: series.color,
          marker: series.marker,
          line: series.line,
        });
  for (const panel of panels)
    if (panel.reference && !legend.has(`\u0000${panel.reference.name}`))
      legend.set(`\u0000${panel.reference.name}`, {
        name: panel.reference.name,
        color: REFERENCE_COLOR,
        dashed: true,
      });
  const legendLeft = Math.min(gridLeft + PLOT_MARGIN.left, PAGE_MARGIN + 24);
  const legendPlaces = layoutLegend([...legend.values()], width - legendLeft - PAGE_MARGIN);
  const legendHeight = 8 + LEGEND_ROW_HEIGHT * (1 + Math.max(0, ...legendPlaces.map((p) => p.row)));
  const subtitleLines = options.subtitle
    ? wrapText(options.subtitle, Math.floor((width - 2 * PAGE_MARGIN) / SUBTITLE_CHAR_WIDTH))
    : [];
  const headerHeight = TITLE_HEIGHT + SUBTITLE_LINE_HEIGHT * subtitleLines.length + 8;
  const height = headerHeight + legendHeight + rows * panelHeight + PAGE_MARGIN;
  const xRange = options.xRange ?? [0, 1];
  const allY = panels.flatMap((panel) => [
    ...panel.series.flatMap((series) => series.points.map((point) => point.y)),
    ...(panel.reference ? [panel.reference.y] : []),
  ]);
  const yRange: readonly [number, number] =
    options.yRange === 'unit'
      ? [0, 1]
      : options.yRange === undefined || options.yRange === 'auto'
        ? autoUnitRange(allY)
        : options.yRange;
  const formatTick = options.formatTick ?? defaultTick;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  );
  out.push(`<title>${escapeXml(options.title)}</title>`);
  if (options.description) out.push(`<desc>${escapeXml(options.description)}</desc>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff" />`);
  out.push(
    `<text x="${fixed(width / 2)}" y="26" text-anchor="middle" font-size="17" font-weight="bold" ${FONT}>${escapeXml(options.title)}</text>`,
  );
  subtitleLines.forEach((line, index) => {
    out.push(
      `<text x="${fixed(width / 2)}" y="${TITLE_HEIGHT + 10 + index * SUBTITLE_LINE_HEIGHT}" text-anchor="middle" font-size="11" fill="#555555" ${FONT}>${escapeXml(line)}</text>`,
    );
  });

  out.push(legendSvg(legendPlaces, legendLeft, headerHeight + 8));

  panels.forEach((panel, index) => {
    const left = gridLeft + (index % columns) * panelWidth;
    const top = headerHeight + legendHeight + Math.floor(index / columns) * panelHeight;
    const plotLeft = left + PLOT_MARGIN.left;
    const plotTop = top + PLOT_MARGIN.top;
    const plotWidth = panelWidth - PLOT_MARGIN.left - PLOT_MARGIN.right;
    const plotHeight = panelHeight - PLOT_MARGIN.top - PLOT_MARGIN.bottom;
    const toX = (x: number) => plotLeft + ((x - xRange[0]) / (xRange[1] - xRange[0])) * plotWidth;
    const toY = (y: number) =>
      plotTop + plotHeight - ((y - yRange[0]) / (yRange[1] - yRange[0])) * plotHeight;
    const clipId = `plot-area-${index}`;
    out.push(`<g class="panel" data-title="${escapeXml(panel.title)}">`);
    out.push(
      `<clipPath id="${clipId}"><rect x="${fixed(plotLeft - 8)}" y="${fixed(plotTop - 8)}" width="${fixed(plotWidth + 16)}" height="${fixed(plotHeight + 16)}" /></clipPath>`,
    );
    out.push(
      `<text x="${fixed(plotLeft + plotWidth / 2)}" y="${fixed(top + 16)}" text-anchor="middle" font-size="13" font-weight="bold" ${FONT}>${escapeXml(panel.title)}</text>`,
    );
    // Grid and ticks.
    for (const tick of ticks(xRange)) {
      const x = toX(tick);
      out.push(
        `<line x1="${fixed(x)}" y1="${fixed(plotTop)}" x2="${fixed(x)}" y2="${fixed(plotTop + plotHeight)}" stroke="#e6e6e6" stroke-width="1" />`,
        `<text x="${fixed(x)}" y="${fixed(plotTop + plotHeight + 15)}" text-anchor="middle" font-size="10" ${FONT}>${escapeXml(formatTick(tick))}</text>`,
      );
    }
    for (const tick of ticks(yRange)) {
      const y = toY(tick);
      out.push(
        `<line x1="${fixed(plotLeft)}" y1="${fixed(y)}" x2="${fixed(plotLeft + plotWidth)}" y2="${fixed(y)}" stroke="#e6e6e6" stroke-width="1" />`,
        `<text x="${fixed(plotLeft - 6)}" y="${fixed(y + 3.5)}" text-anchor="end" font-size="10" ${FONT}>${escapeXml(formatTick(tick))}</text>`,
      );
    }
    out.push(
      `<rect x="${fixed(plotLeft)}" y="${fixed(plotTop)}" width="${fixed(plotWidth)}" height="${fixed(plotHeight)}" fill="none" stroke="#333333" stroke-width="1" />`,
      `<text x="${fixed(plotLeft + plotWidth / 2)}" y="${fixed(plotTop + plotHeight + 33)}" text-anchor="middle" font-size="11" ${FONT}>${escapeXml(options.xLabel)}</text>`,
      `<text transform="translate(${fixed(left + 14)} ${fixed(plotTop + plotHeight / 2)}) rotate(-90)" text-anchor="middle" font-size="11" ${FONT}>${escapeXml(options.yLabel)}</text>`,
    );
    out.push(`<g clip-path="url(#${clipId})">`);
    if (panel.reference) {
      const y = toY(panel.reference.y);
      out.push(
        `<line x1="${fixed(plotLeft)}" y1="${fixed(y)}" x2="${fixed(plotLeft + plotWidth)}" y2="${fixed(y)}" stroke="${REFERENCE_COLOR}" stroke-width="1.2" stroke-dasharray="4 3" />`,
      );
    }
    for (const series of panel.series) {
      const points = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
      out.push(`<g class="series" data-name="${escapeXml(series.name)}">`);
      if (series.line && points.length > 1) {
        out.push(
          `<polyline points="${points.map((p) => `${fixed(toX(p.x))},${fixed(toY(p.y))}`).join(' ')}" fill="none" stroke="${series.color}" stroke-width="1.6" />`,
        );
      }
      for (const point of points)
        out.push(markerSvg(series.marker, toX(point.x), toY(point.y), series.color));
      let lastLabel: { x: number; y: number } | undefined;
      for (const point of points) {
        if (!point.label) continue;
        const x = toX(point.x) + 5;
        // Below the point (curves of high accuracy hug the top), above it near the bottom.
        const y =
          toY(point.y) + 13 > plotTop + plotHeight - 2 ? toY(point.y) - 6 : toY(point.y) + 13;
        if (lastLabel && Math.hypot(x - lastLabel.x, y - lastLabel.y) < 16) continue;
        out.push(
          `<text x="${fixed(x)}" y="${fixed(y)}" font-size="8" fill="${series.color}" ${FONT}>${escapeXml(point.label)}</text>`,
        );
        lastLabel = { x, y };
      }
      out.push('</g>');
    }
    out.push('</g>', '</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
