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

/** The fields of one CSV record as `csvField` writes them (quotes undone); throws on an open quote. */
export function parseCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  if (quoted) throw new Error('a quoted field is not closed');
  fields.push(field);
  return fields;
}
