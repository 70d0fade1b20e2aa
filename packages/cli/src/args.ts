import { parseArgs } from 'node:util';
import { UsageError, isUsageError } from '@neusemslice/core';

/** One option of a command, as `--help` shows it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in help; applied when the option is absent. */
  default?: string | boolean;
  /** The value's placeholder in help, e.g. `<dir>`. */
  placeholder?: string;
  required?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

export type ParsedOptions = Record<string, string | boolean | undefined>;

/** Parses `argv` strictly against the specs; unknown or malformed options are UsageErrors. */
export function parseOptions(
  command: string,
  argv: string[],
  specs: OptionSpecs,
): { options: ParsedOptions; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, specs),
      options: Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [name, { type: spec.type }]),
      ),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message.split('\n')[0]} (see 'neusemslice ${command} --help')`,
    );
  }
  const options: ParsedOptions = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = (parsed.values as ParsedOptions)[name] ?? spec.default;
    if (spec.required && value === undefined) {
      throw new UsageError(
        `--${name} ${spec.placeholder ?? '<value>'} is required (see 'neusemslice ${command} --help')`,
      );
    }
    options[name] = value;
  }
  return { options, positionals: parsed.positionals };
}

/** A value that starts with a dash but is a number (`-1`, `-0.5`, `-1e-3`), not an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/**
 * Writes `--name -1` as `--name=-1` for string options, so negative numbers reach the range
 * check (node's parseArgs would call them "ambiguous") and the user sees the allowed range.
 */
export function joinNegativeValues(argv: readonly string[], specs: OptionSpecs): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index];
    const next = argv[index + 1];
    const name = token.startsWith('--') ? token.slice(2) : undefined;
    if (
      name !== undefined &&
      specs[name]?.type === 'string' &&
      next !== undefined &&
      NEGATIVE_NUMBER.test(next)
    ) {
      joined.push(`${token}=${next}`);
      index += 1;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

/** A string option's value, or a UsageError when it is missing. */
export function stringOption(options: ParsedOptions, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.length === 0)
    throw new UsageError(`--${name} needs a value`);
  return value;
}

/** A numeric option, checked against [min, max] (and integrality when asked). */
export function numberOption(
  options: ParsedOptions,
  name: string,
  range: { min: number; max: number; integer?: boolean },
): number {
  const raw = stringOption(options, name);
  const value = Number(raw);
  const kind = range.integer ? 'an integer' : 'a number';
  if (
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max ||
    (range.integer && !Number.isInteger(value))
  ) {
    throw new UsageError(`--${name} must be ${kind} in [${range.min}, ${range.max}], got '${raw}'`);
  }
  return value;
}

/**
 * A numeric option checked by the library's own check (one range shared by CLI and API):
 * `check` gets the number and throws a UsageError for a value out of range; its message is
 * prefixed with the flag and the value as typed.
 */
export function checkedNumberOption<T>(
  options: ParsedOptions,
  name: string,
  check: (value: number) => T,
): T {
  const raw = stringOption(options, name);
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) {
    throw new UsageError(`--${name} must be a number, got '${raw}'`);
  }
  try {
    return check(value);
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`--${name} ${raw}: ${error.message}`);
    throw error;
  }
}

/** A comma-separated list option, each entry checked against the allowed values when given. */
export function listOption(
  options: ParsedOptions,
  name: string,
  allowed?: readonly string[],
): string[] {
  const entries = stringOption(options, name)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const entry of entries) {
    if (allowed && !allowed.includes(entry)) {
      throw new UsageError(`--${name}: unknown value '${entry}' (expected ${allowed.join(' | ')})`);
    }
  }
  return entries;
}

/** Formats a command's help text from its specs. */
export function formatHelp(
  command: string,
  summary: string,
  specs: OptionSpecs,
  usage?: string,
): string {
  const lines = [
    `Usage: neusemslice ${usage ?? `${command} [options]`}`,
    '',
    summary,
    '',
    'Options:',
  ];
  const entries = Object.entries(specs).map(([name, spec]) => {
    const flag = `  --${name}${spec.type === 'string' ? ` ${spec.placeholder ?? '<value>'}` : ''}`;
    const suffix = spec.required
      ? ' (required)'
      : spec.default !== undefined
        ? ` (default: ${spec.default})`
        : '';
    return [flag, `${spec.description}${suffix}`];
  });
  entries.push(['  --help', 'Show this help']);
  const width = Math.max(...entries.map(([flag]) => flag.length)) + 2;
  for (const [flag, text] of entries) lines.push(`${flag.padEnd(width)}${text}`);
  return lines.join('\n');
}
