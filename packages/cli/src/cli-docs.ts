// docs/cli.md, made from the commands' own --help, so the reference cannot drift from the CLI.
import * as path from 'node:path';
import type { CliIo } from './main';
import { runCli } from './main';
import { commands } from './commands';

/** Where the reference lives, from the repository root. */
export const CLI_DOCS_PATH = path.join('docs', 'cli.md');

/** The command that regenerates it. */
export const CLI_DOCS_COMMAND = 'pnpm --filter @neusemslice/cli docs:cli';

async function helpOf(argv: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const code = await runCli([...argv, '--help'], io);
  if (code !== 0) throw new Error(`neusemslice ${argv.join(' ')} --help failed: ${stderr}`);
  return stdout.trimEnd();
}

function section(title: string, help: string): string[] {
  return [`## ${title}`, '', '```text', help, '```', ''];
}

/** The Markdown of docs/cli.md: the overview, each group, each command's help. */
export async function renderCliDocs(): Promise<string> {
  const groups = [
    ...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0])),
  ];
  const lines = [
    '# The `neusemslice` command line',
    '',
    `<!-- Generated from the commands' --help by \`${CLI_DOCS_COMMAND}\`; do not edit by hand (a test fails when it is out of date). -->`,
    '',
    'Every command also takes `--json` (one JSON object on stdout: the result, or',
    '`{ "command", "error": { "kind": "usage" | "unexpected", "message" } }`; logs and progress go to',
    'stderr) and `--plugin <package|path>` (repeatable), and reads `neusemslice.config.json` or',
    '`neusemslice.config.mjs` in the working directory (`{ "plugins": [...], "defaults": { "<command>":',
    '{ "<option>": value } } }`; the command line wins over the defaults). Exit codes: 0 success, 2 bad',
    'arguments or input (one line on stderr), 1 anything unexpected.',
    '',
    'Commands:',
    '',
    ...commands.map(
      (command) => `- [\`${command.name}\`](#neusemslice-${command.name.replace(' ', '-')})`,
    ),
    '',
    ...section('Overview', await helpOf([])),
  ];
  for (const group of groups) lines.push(...section(`neusemslice ${group}`, await helpOf([group])));
  for (const command of commands)
    lines.push(...section(`neusemslice ${command.name}`, await helpOf(command.name.split(' '))));
  return `${lines.join('\n').trimEnd()}\n`;
}
