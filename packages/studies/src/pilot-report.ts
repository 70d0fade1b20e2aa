import { toCsv } from './csv';
import { type Band, bandLabel, type PilotRow, type Trend } from './pilot';
import { provenanceLine, type StudyProvenance } from './provenance';

const ARROWS: Record<Trend, string> = { up: '↑', down: '↓', flat: '→' };

export function percentText(share: number): string {
  return Number.isFinite(share) ? `${(100 * share).toFixed(2)}%` : 'n/a';
}

function cell(row: PilotRow | undefined): string {
  if (!row) return '';
  return row.trend
    ? `${percentText(row.accuracy)} ${ARROWS[row.trend]}`
    : percentText(row.accuracy);
}

/** pilot.csv: one row per (metric, setting, band, category). */
export function pilotCsv(rows: readonly PilotRow[], provenance: StudyProvenance): string {
  return toCsv(
    provenanceLine(provenance),
    [
      'metric',
      'setting',
      'band',
      'bandFrom',
      'bandTo',
      'category',
      'accuracy',
      'maskedNeurons',
      'trend',
    ],
    rows.map((row) => [
      row.metric,
      row.setting,
      bandLabel(row.band),
      row.band[0],
      row.band[1],
      String(row.category),
      row.accuracy,
      row.maskedNeurons,
      row.trend ?? '',
    ]),
  );
}

function markdownTable(header: readonly string[], body: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

function bandKey(band: Band): string {
  return `${band[0]}:${band[1]}`;
}

/** Rows band × metric for one setting and category, as in the paper's Tables 1 and 2. */
function bandByMetricTable(
  rows: readonly PilotRow[],
  metrics: readonly string[],
  bands: readonly Band[],
  select: (row: PilotRow) => boolean,
): string {
  const byKey = new Map(
    rows.filter(select).map((row) => [`${row.metric}\u0000${bandKey(row.band)}`, row]),
  );
  return markdownTable(
    ['performance after masking', ...metrics],
    bands.map((band) => [
      bandLabel(band),
      ...metrics.map((metric) => cell(byKey.get(`${metric}\u0000${bandKey(band)}`))),
    ]),
  );
}

export function categoryName(category: number, classNames?: readonly string[]): string {
  const name = classNames?.[category];
  return name ? `Category ${category} (${name})` : `Category ${category}`;
}

/** pilot.md: Tables 1–3 of paper §3.1 with ↑/↓ against the previous band. */
export function pilotMarkdown(
  rows: readonly PilotRow[],
  options: {
    provenance: StudyProvenance;
    metrics: readonly string[];
    bands: readonly Band[];
    classNames?: readonly string[];
  },
): string {
  const { provenance, metrics, bands } = options;
  const parts: string[] = [
    `# Pilot study of existing slicing strategies: ${provenance.modelLabel}`,
    '',
    `Produced by: \`${provenanceLine(provenance)}\``,
    '',
    'Each cell is the test accuracy after masking (zeroing), in every neuron layer, the neurons ' +
      'whose rank by the metric falls in the band (0%→10% = the top-ranked tenth). Masking less ' +
      'critical neurons should hurt less, so accuracy is expected to rise from band to band: ' +
      '↑ marks a rise and ↓ an anomalous fall against the previous band (→: unchanged).',
    '',
    `## Table 1: global slicing (${provenance.modelLabel})`,
    '',
    'Scores on the whole slicing data; accuracy on the whole test set.',
    '',
    bandByMetricTable(rows, metrics, bands, (row) => row.setting === 'global'),
    '',
    `## Table 2: category-wise slicing, mean over categories (${provenance.modelLabel})`,
    '',
    "Scores on each category's slicing data D_c; accuracy on that category's test samples, " +
      'averaged over categories.',
    '',
    bandByMetricTable(
      rows,
      metrics,
      bands,
      (row) => row.setting === 'category-wise' && row.category === 'mean',
    ),
    '',
    `## Table 3: category-wise slicing per category (${provenance.modelLabel})`,
  ];
  for (const metric of metrics) {
    const perCategory = rows.filter(
      (row) =>
        row.metric === metric &&
        row.setting === 'category-wise' &&
        typeof row.category === 'number',
    );
    const categories = [...new Set(perCategory.map((row) => row.category as number))].sort(
      (a, b) => a - b,
    );
    const byKey = new Map(
      perCategory.map((row) => [`${row.category}\u0000${bandKey(row.band)}`, row]),
    );
    parts.push(
      '',
      `### ${metric}`,
      '',
      markdownTable(
        [
          'performance after masking',
          ...categories.map((c) => categoryName(c, options.classNames)),
        ],
        bands.map((band) => [
          bandLabel(band),
          ...categories.map((category) => cell(byKey.get(`${category}\u0000${bandKey(band)}`))),
        ]),
      ),
    );
  }
  return `${parts.join('\n')}\n`;
}
