// Tests of the Markdown snippet reader and the page-to-modules step (node --test).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageModules } from './check.mjs';
import { typescriptBlocks } from './markdown-snippets.mjs';

const PAGE = [
  '# Title', //                                  1
  '', //                                         2
  '```sh', //                                    3
  '```ts not a fence inside a sh block', //      4
  '```', //                                      5
  '<!-- no-check: pseudo-code -->', //           6
  '```ts', //                                    7
  'pseudo', //                                   8
  '```', //                                      9
  '<!-- snippet-file: lib.ts -->', //            10
  '', //                                         11
  '<!-- snippet-given: declare const n: number; -->', // 12
  '```typescript', //                            13
  'export const m = n;', //                      14
  '```', //                                      15
  'text', //                                     16
  '```ts', //                                    17
  "import { m } from './lib';", //               18
  '```', //                                      19
].join('\n');

describe('typescriptBlocks', () => {
  it('finds ts blocks with their first code line, skipping other fences whole', () => {
    const blocks = typescriptBlocks(PAGE);
    assert.deepEqual(
      blocks.map((block) => [block.line, block.code]),
      [
        [8, 'pseudo'],
        [14, 'export const m = n;'],
        [18, "import { m } from './lib';"],
      ],
    );
  });

  it('reads the directives on the lines right before a block, blank lines allowed', () => {
    const [skipped, library, plain] = typescriptBlocks(PAGE);
    assert.deepEqual(skipped.directives, { 'no-check': 'pseudo-code' });
    assert.deepEqual(library.directives, {
      'snippet-file': 'lib.ts',
      'snippet-given': 'declare const n: number;',
    });
    assert.deepEqual(plain.directives, {});
  });
});

describe('pageModules', () => {
  it('writes named files, prepends hidden and continued code, and maps lines back to the page', () => {
    const continued = `${PAGE}\n<!-- snippet-continues -->\n\`\`\`ts\nconst k = m;\n\`\`\``;
    const { modules, problems } = pageModules('docs/x.md', continued);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      modules.map((module) => module.file.split(/[\\/]/).slice(-2).join('/')),
      ['docs-x-md/lib.ts', 'docs-x-md/block-line-18.ts', 'docs-x-md/block-line-22.ts'],
    );
    const last = modules[2];
    assert.equal(last.code, "import { m } from './lib';\nconst k = m;\nexport {};");
    assert.deepEqual(last.sourceLines, [18, 22, 0]);
    assert.deepEqual(modules[0].sourceLines, [0, 14, 0]);
  });

  it('refuses a no-check without a reason', () => {
    const { problems } = pageModules('a.md', '<!-- no-check -->\n```ts\nx\n```');
    assert.match(problems[0], /^a\.md:3: <!-- no-check --> needs a reason/);
  });
});
