import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@neusemslice/core';
import { CLI_DOCS_COMMAND, CLI_DOCS_PATH, renderCliDocs } from './cli-docs';
import { commands } from './commands';

const docsFile = path.resolve(__dirname, '..', '..', '..', CLI_DOCS_PATH);

describe('docs/cli.md', () => {
  it(`is the commands' current --help (else run: ${CLI_DOCS_COMMAND})`, async () => {
    const expected = await renderCliDocs();
    // `docs:cli` runs this test with UPDATE_CLI_DOCS=1 to write the file instead of checking it.
    if (process.env.UPDATE_CLI_DOCS === '1') writeFileAtomic(docsFile, expected);
    const actual = fs.existsSync(docsFile) ? fs.readFileSync(docsFile, 'utf8') : '(missing)';
    // One clear message instead of a diff of the whole file.
    if (actual !== expected) {
      throw new Error(
        `${CLI_DOCS_PATH} is out of date with the commands' help: run '${CLI_DOCS_COMMAND}'`,
      );
    }
  });

  it('has a section for every command', async () => {
    const markdown = await renderCliDocs();
    for (const command of commands) {
      expect(markdown).toContain(`## neusemslice ${command.name}\n`);
      expect(markdown).toContain(`Usage: neusemslice ${command.name}`);
    }
  });
});
