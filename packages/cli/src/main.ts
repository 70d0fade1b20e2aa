import { isUsageError } from '@neusemslice/core';
import { formatHelp, type OptionSpecs, parseOptions } from './args';
import type { Command, CommandContext } from './command';
import { commands } from './commands';
import { createCliContainer } from './plugins';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    'Usage: neusemslice <command> [options]',
    '',
    'Neuron-level semantic slicing of deep neural networks (NeuSemSlice) on TensorFlow.js.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    "Run 'neusemslice <command> --help' for a command's options.",
  ].join('\n');
}

/** Options every command takes, whatever it does. */
const commonOptions: OptionSpecs = {
  json: {
    type: 'boolean',
    description: 'Print one JSON object with the results on stdout (logs stay on stderr)',
  },
};

/** Finds the command named by the first one or two words (e.g. `study masking`). */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  const twoWords = commands.find((command) => command.name === argv.slice(0, 2).join(' '));
  if (twoWords) return { command: twoWords, rest: argv.slice(2) };
  const oneWord = commands.find((command) => command.name === argv[0]);
  return oneWord ? { command: oneWord, rest: argv.slice(1) } : undefined;
}

/**
 * Runs the CLI and returns its exit code: 0 on success, 2 for bad arguments or input (one line,
 * no stack trace), 1 for anything unexpected.
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(`${overview()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr(
      `neusemslice: unknown command '${argv.slice(0, 2).join(' ')}' (commands: ${commands.map((c) => c.name).join(', ')})\n`,
    );
    return 2;
  }
  const { command, rest } = found;
  const specs = { ...command.options, ...commonOptions };
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${formatHelp(command.name, command.summary, specs, command.usage)}\n`);
    return 0;
  }
  try {
    const { options, positionals } = parseOptions(command.name, rest, specs);
    const json = options.json === true;
    const context: CommandContext = {
      // With --json, stdout carries the JSON object alone.
      print: (line) => (json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`)),
      log: (line) => io.stderr(`${line}\n`),
      commandLine: `neusemslice ${argv.join(' ')}`,
      container: createCliContainer(),
    };
    const result = await command.run(options, positionals, context);
    if (json) io.stdout(`${JSON.stringify({ command: command.name, ...(result ?? {}) })}\n`);
    return 0;
  } catch (error) {
    if (isUsageError(error)) {
      io.stderr(`neusemslice ${command.name}: ${error.message}\n`);
      return 2;
    }
    io.stderr(
      `neusemslice ${command.name}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    return 1;
  }
}
