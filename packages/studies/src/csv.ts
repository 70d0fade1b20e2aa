export type CsvValue = string | number | undefined;

/** A CSV field: numbers to at most 6 decimals, undefined empty, text quoted when it must be. */
export function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return String(Math.round(value * 1e6) / 1e6);
  }
  return /[",\r\n]/.test(value) || value.startsWith('#') ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV text with a leading `# ` comment line (provenance), a header row and the rows. */
export function toCsv(
  comment: string,
  header: readonly string[],
  rows: readonly CsvValue[][],
): string {
  const lines = [`# ${comment.replace(/[\r\n]+/g, ' ')}`, header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}
