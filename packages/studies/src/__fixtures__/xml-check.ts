/** A start tag seen while checking a document. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

function checkEntities(text: string, where: string): void {
  for (let index = text.indexOf('&'); index >= 0; index = text.indexOf('&', index + 1)) {
    if (!ENTITY.test(text.slice(index)))
      throw new Error(`bare '&' in ${where}: ${text.slice(index, index + 20)}`);
  }
}

/**
 * Checks that a document is well-formed XML (balanced, properly nested tags, quoted unique
 * attributes, escaped text, one root) and returns its start tags in document order. A small
 * checker for tests; it does not read DTDs.
 */
export function parseWellFormedXml(text: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const open: string[] = [];
  let roots = 0;
  let position = 0;
  if (text.startsWith('<?xml')) position = text.indexOf('?>') + 2;
  while (position < text.length) {
    const next = text.indexOf('<', position);
    const chunk = text.slice(position, next < 0 ? text.length : next);
    if (open.length === 0 && chunk.trim() !== '')
      throw new Error(`text outside the root: ${chunk.trim().slice(0, 20)}`);
    checkEntities(chunk, 'text');
    if (next < 0) break;
    if (text.startsWith('<!--', next)) {
      const end = text.indexOf('-->', next + 4);
      if (end < 0) throw new Error('unterminated comment');
      if (text.slice(next + 4, end).includes('--')) throw new Error("'--' inside a comment");
      position = end + 3;
      continue;
    }
    if (text.startsWith('</', next)) {
      const end = text.indexOf('>', next);
      const name = text.slice(next + 2, end).trim();
      const expected = open.pop();
      if (name !== expected) throw new Error(`closing </${name}> but <${expected}> is open`);
      position = end + 1;
      continue;
    }
    let cursor = next + 1;
    const nameMatch = NAME.exec(text.slice(cursor));
    if (!nameMatch) throw new Error(`bad tag at ${next}: ${text.slice(next, next + 20)}`);
    const name = nameMatch[0];
    cursor += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      const rest = text.slice(cursor);
      const close = /^\s*(\/?)>/.exec(rest);
      if (close) {
        cursor += close[0].length;
        if (open.length === 0) roots++;
        elements.push({ name, attributes });
        if (close[1] !== '/') open.push(name);
        break;
      }
      const attribute = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(rest);
      if (!attribute) throw new Error(`bad attribute in <${name}>: ${rest.slice(0, 30)}`);
      if (attribute[1] in attributes)
        throw new Error(`duplicate attribute ${attribute[1]} in <${name}>`);
      const value = attribute[3] ?? attribute[4];
      checkEntities(value, `attribute ${attribute[1]}`);
      attributes[attribute[1]] = value;
      cursor += attribute[0].length;
    }
    position = cursor;
  }
  if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`);
  if (roots !== 1) throw new Error(`expected one root element, found ${roots}`);
  return elements;
}
