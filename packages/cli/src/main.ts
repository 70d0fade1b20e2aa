import * as fs from 'node:fs';
import * as path from 'node:path';
import { isUsageError, UsageError } from '@neusemslice/core';
import {
  Command as CommanderCommand,
  CommanderError,
  Option as CommanderOption,
  type Help,
} from 'commander';
import { joinNegativeValues, type OptionSpec, type OptionSpecs, type ParsedOptions } from './args';
import type { Command, CommandContext } from './command';
import { commands } from './commands';
import { type CliConfig, loadCliConfig } from './config-file';
import { createCliContainer } from './plugins';
import { beginProgressView, createBarView, createLineView } from './progress-printer';
import { type LoadedUserPlugin, loadUserPlugin } from './user-plugins';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Directory of the config file and of relative `--plugin` paths (default: the process's). */
  cwd?: string;
  /** A terminal to draw progress bars on; without one, progress is plain lines on stderr. */
  progressTerminal?: NodeJS.WritableStream & { isTTY?: boolean };
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progressTerminal: process.stderr,
};

/** Help is wrapped at this width everywhere, so docs/cli.md does not depend on the terminal. */
export const HELP_WIDTH = 100;

const DESCRIPTION =
  'Neuron-level semantic slicing of deep neural networks (NeuSemSlice) on TensorFlow.js.';

/** Summaries of command groups (the first word of two-word commands). */
const GROUP_SUMMARIES: Record<string, string> = {
  study: 'Experiment runners that reproduce the paper’s tables and figures (see subcommands)',
};

/** Options every command takes, whatever it does. */
export const commonOptions: OptionSpecs = {
  json: {
    type: 'boolean',
    description:
      'Print one JSON object with the results (or the error) on stdout; logs go to stderr',
  },
  plugin: {
    type: 'string',
    placeholder: '<package|path>',
    description:
      'Load a plugin (metric, slicer, pruner, …) before running; repeatable. Also read from neusemslice.config.json|mjs',
  },
};

/** The CLI's version, from its package.json (beside src/ and dist/). */
export function cliVersion(): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

/** The command named by the first one or two words (e.g. `study masking`), for messages. */
function findCommand(argv: string[]): Command | undefined {
  return (
    commands.find((command) => command.name === argv.slice(0, 2).join(' ')) ??
    commands.find((command) => command.name === argv[0])
  );
}

function helpDescription(spec: OptionSpec): string {
  const suffix = spec.required
    ? ' (required)'
    : spec.default !== undefined
      ? ` (default: ${spec.default})`
      : '';
  return `${spec.description}${suffix}`;
}

function commanderOption(name: string, spec: OptionSpec): CommanderOption {
  // Commander reads a value only after a `<placeholder>`; `fgsm|pgd` alone would make a flag.
  const placeholder = spec.placeholder ?? '<value>';
  const valuePart = /^<.*>$/.test(placeholder) ? placeholder : `<${placeholder}>`;
  const flags = spec.type === 'string' ? `--${name} ${valuePart}` : `--${name}`;
  const option = new CommanderOption(flags, helpDescription(spec));
  if (name === 'plugin') {
    option.argParser((value: string, previous: string[] | undefined) => [
      ...(previous ?? []),
      value,
    ]);
  }
  return option;
}

/** The path of a command below the program, e.g. `study masking`. */
function commandPath(command: CommanderCommand): string {
  const names: string[] = [];
  for (let current: CommanderCommand | null = command; current?.parent; current = current.parent)
    names.unshift(current.name());
  return names.join(' ');
}

/** Every runnable command below `command`, depth first. */
function leafCommands(command: CommanderCommand): CommanderCommand[] {
  return command.commands.flatMap((sub) => (sub.commands.length > 0 ? leafCommands(sub) : [sub]));
}

/** What commander parsed for the command to run. */
interface Invocation {
  command: Command;
  commander: CommanderCommand;
}

/**
 * The command tree on commander: each `Command` with its declarative options, two-word names as
 * subcommands of a group (`study masking`), `--version`, and no process.exit (errors are thrown).
 */
export function buildProgram(
  output: { out: (text: string) => void; err: (text: string) => void },
  onInvoke: (invocation: Invocation) => void,
): CommanderCommand {
  const configure = (command: CommanderCommand): CommanderCommand =>
    command
      .exitOverride()
      .configureOutput({
        writeOut: output.out,
        writeErr: output.err,
        outputError: () => undefined,
        getOutHelpWidth: () => HELP_WIDTH,
        getErrHelpWidth: () => HELP_WIDTH,
      })
      .configureHelp({ helpWidth: HELP_WIDTH, sortSubcommands: false })
      .showSuggestionAfterError(true)
      .helpCommand(false);
  const program = configure(new CommanderCommand('neusemslice'))
    .description(DESCRIPTION)
    .usage('<command> [options]')
    .version(cliVersion(), '--version', 'Print the version')
    .helpOption('-h, --help', 'Show this help');
  // The overview lists every runnable command by its full name (`study masking`).
  program.configureHelp({
    helpWidth: HELP_WIDTH,
    visibleCommands: (command) => leafCommands(command),
    subcommandTerm: (command) => commandPath(command),
  } as Partial<Help>);
  program.addHelpText(
    'after',
    "\nRun 'neusemslice <command> --help' for a command's options; docs/cli.md lists them all.",
  );
  const groups = new Map<string, CommanderCommand>();
  for (const command of commands) {
    const words = command.name.split(' ');
    let parent = program;
    if (words.length === 2) {
      let group = groups.get(words[0]);
      if (!group) {
        group = configure(new CommanderCommand(words[0]))
          .description(GROUP_SUMMARIES[words[0]] ?? `${words[0]} subcommands`)
          .helpOption('-h, --help', 'Show this help');
        groups.set(words[0], group);
        program.addCommand(group);
      }
      parent = group;
    }
    const leaf = configure(new CommanderCommand(words[words.length - 1]))
      .description(command.summary)
      .allowExcessArguments(true)
      .helpOption('-h, --help', 'Show this help');
    if (command.usage) {
      leaf.usage(
        command.usage.startsWith(command.name)
          ? command.usage.slice(command.name.length).trim()
          : command.usage,
      );
    }
    for (const [name, spec] of Object.entries({ ...command.options, ...commonOptions }))
      leaf.addOption(commanderOption(name, spec));
    leaf.action((...args: unknown[]) => {
      onInvoke({ command, commander: args[args.length - 1] as CommanderCommand });
    });
    parent.addCommand(leaf);
  }
  return program;
}

/** Commander's message as one line, without its `error: ` prefix. */
function commanderMessage(error: CommanderError): string {
  return error.message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

/**
 * The option values of a run: the command line first, then the config file's defaults for the
 * command, then the option's own default; a required option missing from all three is an error.
 */
export function resolveOptionValues(
  command: Command,
  parsed: CommanderCommand,
  config: CliConfig,
): ParsedOptions {
  const specs = command.options;
  const configured = config.defaults[command.name] ?? {};
  for (const name of Object.keys(configured)) {
    if (!(name in specs)) {
      throw new UsageError(
        `${config.file}: defaults.${command.name}.${name} is not an option of '${command.name}' (options: ${Object.keys(specs).join(', ')})`,
      );
    }
  }
  const values = parsed.opts<Record<string, string | boolean | undefined>>();
  const options: ParsedOptions = {};
  for (const [name, spec] of Object.entries(specs)) {
    const attribute = new CommanderOption(`--${name}`).attributeName();
    let value = values[attribute];
    if (value === undefined && name in configured) {
      const fromConfig = configured[name];
      if (spec.type === 'boolean' && typeof fromConfig !== 'boolean') {
        throw new UsageError(
          `${config.file}: defaults.${command.name}.${name} must be true or false, got ${JSON.stringify(fromConfig)}`,
        );
      }
      value = spec.type === 'boolean' ? (fromConfig as boolean) : String(fromConfig);
    }
    value ??= spec.default;
    if (spec.required && value === undefined) {
      throw new UsageError(
        `--${name} ${spec.placeholder ?? '<value>'} is required (see 'neusemslice ${command.name} --help')`,
      );
    }
    options[name] = value;
  }
  options.json = values.json === true;
  return options;
}

/** The user's plugins: the config file's, then `--plugin`'s, each loaded and checked. */
async function loadUserPlugins(
  config: CliConfig,
  fromCommandLine: readonly string[],
  cwd: string,
): Promise<LoadedUserPlugin[]> {
  const requests = [
    ...config.plugins.map((specifier) => ({
      specifier,
      baseDirectory: cwd,
      origin: `${config.file} plugin`,
    })),
    ...fromCommandLine.map((specifier) => ({ specifier, baseDirectory: cwd, origin: '--plugin' })),
  ];
  const plugins: LoadedUserPlugin[] = [];
  for (const request of requests) plugins.push(await loadUserPlugin(request));
  return plugins;
}

/** The one-line message and the kind of a failure, as stderr and `--json` report it. */
function describeFailure(error: unknown): { kind: 'usage' | 'unexpected'; message: string } {
  if (isUsageError(error)) return { kind: 'usage', message: error.message };
  if (error instanceof CommanderError) return { kind: 'usage', message: commanderMessage(error) };
  return { kind: 'unexpected', message: (error as Error)?.message ?? String(error) };
}

/**
 * Runs the CLI and returns its exit code: 0 on success, 2 for bad arguments or input (one line,
 * no stack trace), 1 for anything unexpected. With `--json`, stdout gets exactly one JSON object,
 * the command's result or `{ command, error: { kind, message } }`.
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const json = argv.includes('--json');
  const words = argv[0] === 'help' ? [...argv.slice(1), '--help'] : argv;
  const found = findCommand(words);
  // A group (`study`) names itself in messages; an unknown word does not.
  const label = found?.name ?? (GROUP_SUMMARIES[words[0]] !== undefined ? words[0] : undefined);
  const jsonOut = (value: Record<string, unknown>) => io.stdout(`${JSON.stringify(value)}\n`);
  const fail = (error: unknown): number => {
    const { kind, message } = describeFailure(error);
    const prefix = label ? `neusemslice ${label}` : 'neusemslice';
    if (kind === 'usage') io.stderr(`${prefix}: ${message}\n`);
    else io.stderr(`${prefix}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    if (json) jsonOut({ command: label ?? null, error: { kind, message } });
    return kind === 'usage' ? 2 : 1;
  };

  let helpText = '';
  let invocation: Invocation | undefined;
  const program = buildProgram(
    { out: (text) => (helpText += text), err: (text) => (helpText += text) },
    (invoked) => (invocation = invoked),
  );
  try {
    if (words.length === 0) program.help({ error: true });
    await program.parseAsync(joinNegativeValues(words, { ...found?.options, ...commonOptions }), {
      from: 'user',
    });
  } catch (error) {
    if (!(error instanceof CommanderError)) return fail(error);
    if (error.code === 'commander.version') {
      if (json) jsonOut({ version: helpText.trim() });
      else io.stdout(helpText);
      return 0;
    }
    if (error.code === 'commander.helpDisplayed') {
      if (json) jsonOut({ command: label ?? null, help: helpText.trimEnd() });
      else io.stdout(helpText);
      return 0;
    }
    if (error.code === 'commander.help') {
      // A bare `neusemslice` or `neusemslice study`: the overview, and a usage exit code.
      if (!json) io.stdout(helpText);
      return fail(
        new UsageError(
          label
            ? `'${label}' needs a subcommand (see 'neusemslice ${label} --help')`
            : 'no command given (see neusemslice --help)',
        ),
      );
    }
    if (error.code === 'commander.unknownCommand') {
      return fail(
        new UsageError(
          `${commanderMessage(error)} (commands: ${commands.map((command) => command.name).join(', ')})`,
        ),
      );
    }
    return fail(
      new UsageError(
        `${commanderMessage(error)} (see 'neusemslice ${label ? `${label} ` : ''}--help')`,
      ),
    );
  }
  if (!invocation) return fail(new UsageError('no command given (see neusemslice --help)'));

  const { command, commander } = invocation;
  const cwd = io.cwd ?? process.cwd();
  const progressLog = (line: string) => io.stderr(`${line}\n`);
  const progress = beginProgressView(
    io.progressTerminal?.isTTY ? createBarView(io.progressTerminal) : createLineView(progressLog),
  );
  try {
    const config = await loadCliConfig(cwd);
    const options = resolveOptionValues(command, commander, config);
    const pluginArgs = (commander.opts<{ plugin?: string[] }>().plugin ?? []).slice();
    const userPlugins = await loadUserPlugins(config, pluginArgs, cwd);
    const context: CommandContext = {
      // With --json, stdout carries the JSON object alone.
      print: (line) => (json ? progress.log(line) : io.stdout(`${line}\n`)),
      log: (line) => progress.log(line),
      commandLine: `neusemslice ${argv.join(' ')}`,
      container: createCliContainer(userPlugins.map((loaded) => loaded.plugin)),
      userPluginModules: userPlugins.map((loaded) => loaded.modulePath),
    };
    const result = await command.run(options, commander.args, context);
    progress.end();
    if (json) jsonOut({ command: command.name, ...(result ?? {}) });
    return 0;
  } catch (error) {
    progress.end();
    return fail(error);
  }
}
