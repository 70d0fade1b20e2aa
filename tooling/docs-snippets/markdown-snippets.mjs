// Reads the ```ts blocks of a Markdown page, with the directives written as HTML comments on the
// lines right before a block (blank lines allowed between them):
//   <!-- no-check: reason -->        not type-checked (the reason is required)
//   <!-- consumer-snippet -->        the README block the consumer test runs (tooling/consumer-test)
//   <!-- snippet-file: name.ts -->   written as name.ts, so later blocks of the page can import './name'
//   <!-- snippet-continues -->       continues the page's previous checked block (its code comes first)
//   <!-- snippet-given: TS code -->  hidden declarations the block assumes, e.g.
//                                    declare const layersModel: import('@tensorflow/tfjs').LayersModel;
import fs from 'node:fs';

const FENCE_OPEN = /^(\s*)```(ts|typescript)\s*$/;
const FENCE_CLOSE = /^\s*```\s*$/;
const DIRECTIVE =
  /^\s*<!--\s*(no-check|consumer-snippet|snippet-file|snippet-continues|snippet-given)\s*(?::\s*([\s\S]*?))?\s*-->\s*$/;

/**
 * The TypeScript blocks of a Markdown text: `{ code, line, directives }` where `line` is the
 * 1-based line of the block's first code line and `directives` maps each directive to its value
 * (`true` when it has none).
 */
export function typescriptBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE_OPEN.exec(lines[index]);
    if (!open) {
      if (/^\s*```/.test(lines[index])) {
        // Skip other fenced blocks whole, so that a ``` inside them is not taken for a ts fence.
        for (index++; index < lines.length && !FENCE_CLOSE.test(lines[index]); index++);
      }
      continue;
    }
    const directives = {};
    for (let back = index - 1; back >= 0; back--) {
      if (lines[back].trim() === '') continue;
      const directive = DIRECTIVE.exec(lines[back]);
      if (!directive) break;
      directives[directive[1]] = directive[2] ?? true;
    }
    const indent = open[1].length;
    const code = [];
    let end = index + 1;
    for (; end < lines.length && !FENCE_CLOSE.test(lines[end]); end++) {
      code.push(lines[end].slice(Math.min(indent, lines[end].search(/\S|$/))));
    }
    blocks.push({ code: code.join('\n'), line: index + 2, directives });
    index = end;
  }
  return blocks;
}

/** The README block marked `<!-- consumer-snippet -->`; throws unless there is exactly one. */
export function consumerSnippet(readmePath) {
  const marked = typescriptBlocks(fs.readFileSync(readmePath, 'utf8')).filter(
    (block) => block.directives['consumer-snippet'],
  );
  if (marked.length !== 1) {
    throw new Error(
      `${readmePath}: expected exactly one \`\`\`ts block marked <!-- consumer-snippet -->, found ${marked.length}`,
    );
  }
  return marked[0];
}
