import { parseCsvRecord } from '../csv';

/** A parsed CSV file of a study: its leading `# ` comment, header and rows of named fields. */
export interface ParsedCsv {
  comment: string;
  header: string[];
  rows: Record<string, string>[];
}

/** Parses a study CSV (no newlines inside fields); throws on a ragged row. */
export function parseStudyCsv(text: string): ParsedCsv {
  const lines = text.split('\n').filter((line) => line !== '');
  if (!lines[0]?.startsWith('# ')) throw new Error('missing the leading "# " comment line');
  const header = parseCsvRecord(lines[1]);
  const rows = lines.slice(2).map((line, index) => {
    const fields = parseCsvRecord(line);
    if (fields.length !== header.length)
      throw new Error(`row ${index + 1} has ${fields.length} fields, header ${header.length}`);
    return Object.fromEntries(header.map((name, column) => [name, fields[column]]));
  });
  return { comment: lines[0].slice(2), header, rows };
}
