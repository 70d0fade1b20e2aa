/** A parsed CSV file of a study: its leading `# ` comment, header and rows of named fields. */
export interface ParsedCsv {
  comment: string;
  header: string[];
  rows: Record<string, string>[];
}

function splitRecord(line: string): string[] {
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
  if (quoted) throw new Error(`unterminated quote in: ${line}`);
  fields.push(field);
  return fields;
}

/** Parses a study CSV (no newlines inside fields); throws on a ragged row. */
export function parseStudyCsv(text: string): ParsedCsv {
  const lines = text.split('\n').filter((line) => line !== '');
  if (!lines[0]?.startsWith('# ')) throw new Error('missing the leading "# " comment line');
  const header = splitRecord(lines[1]);
  const rows = lines.slice(2).map((line, index) => {
    const fields = splitRecord(line);
    if (fields.length !== header.length)
      throw new Error(`row ${index + 1} has ${fields.length} fields, header ${header.length}`);
    return Object.fromEntries(header.map((name, column) => [name, fields[column]]));
  });
  return { comment: lines[0].slice(2), header, rows };
}
