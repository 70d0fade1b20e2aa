import type { DependencyContainer } from 'tsyringe';
import type { OptionSpecs, ParsedOptions } from './args';

/** Where a command prints and what it runs with. */
export interface CommandContext {
  /** Results, one line at a time (stdout). */
  print(line: string): void;
  /** Progress and notes (stderr), so results stay pipeable. */
  log(line: string): void;
  /** The command line as typed, for provenance in reports. */
  commandLine: string;
  /** A child container with every installed plugin registered. */
  container: DependencyContainer;
  /**
   * Absolute paths of the modules of the user's plugins loaded for this run (`--plugin`, the
   * config file), in load order: worker threads that rebuild the container register them too.
   */
  userPluginModules?: readonly string[];
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage line after `neusemslice `, when not `<name> [options]`. */
  readonly usage?: string;
  readonly options: OptionSpecs;
  /**
   * Does the work. The object it returns is what `--json` prints on stdout (one JSON object);
   * without `--json` only the `print` lines are shown.
   */
  run(
    options: ParsedOptions,
    positionals: string[],
    context: CommandContext,
  ): Promise<Record<string, unknown> | void>;
}
