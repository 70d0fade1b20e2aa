// The user's `neusemslice.config.json` or `neusemslice.config.mjs` in the working directory:
// plugins to load and option defaults per command.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@neusemslice/core';
import { loadModuleFile } from './user-plugins';

/** Option values of one command, by option name without dashes (`"per-class": 50`). */
export type OptionDefaults = Record<string, string | number | boolean>;

export interface CliConfig {
  /** The config file, relative to the working directory (for messages), or undefined when none. */
  file?: string;
  /** Plugin packages or paths (relative to the config file's directory). */
  plugins: string[];
  /** Defaults by command name (`slice`, `study masking`); the command line wins over them. */
  defaults: Record<string, OptionDefaults>;
}

export const CONFIG_FILE_NAMES = ['neusemslice.config.json', 'neusemslice.config.mjs'] as const;

const NO_CONFIG: CliConfig = { plugins: [], defaults: {} };

/** Checks the shape of a config object; errors name the file and the entry. */
export function checkConfig(raw: unknown, file: string): CliConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`${file}: expected an object { plugins, defaults }, got ${typeof raw}`);
  }
  const { plugins = [], defaults = {}, ...unknown } = raw as Record<string, unknown>;
  const unknownKeys = Object.keys(unknown);
  if (unknownKeys.length > 0) {
    throw new UsageError(`${file}: unknown key '${unknownKeys[0]}' (expected plugins | defaults)`);
  }
  if (!Array.isArray(plugins) || plugins.some((entry) => typeof entry !== 'string')) {
    throw new UsageError(`${file}: plugins must be a list of package names or paths`);
  }
  if (!defaults || typeof defaults !== 'object' || Array.isArray(defaults)) {
    throw new UsageError(`${file}: defaults must be an object { <command>: { <option>: value } }`);
  }
  for (const [command, values] of Object.entries(defaults)) {
    if (!values || typeof values !== 'object' || Array.isArray(values)) {
      throw new UsageError(`${file}: defaults.${command} must be an object { <option>: value }`);
    }
    for (const [option, value] of Object.entries(values)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new UsageError(
          `${file}: defaults.${command}.${option} must be a string, number or boolean, got ${JSON.stringify(value)}`,
        );
      }
    }
  }
  return {
    file,
    plugins: plugins as string[],
    defaults: defaults as Record<string, OptionDefaults>,
  };
}

/** Reads the config file of `directory`, or an empty config when there is none. */
export async function loadCliConfig(directory: string): Promise<CliConfig> {
  const present = CONFIG_FILE_NAMES.filter((name) => fs.existsSync(path.join(directory, name)));
  if (present.length === 0) return NO_CONFIG;
  if (present.length > 1) {
    throw new UsageError(`found both ${present.join(' and ')}: keep one of them`);
  }
  const file = present[0];
  const filePath = path.join(directory, file);
  let raw: unknown;
  if (file.endsWith('.json')) {
    try {
      raw = JSON.parse(fs.readFileSync(filePath, 'utf8'));
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      const loaded = (await loadModuleFile(filePath)) as { default?: unknown };
      raw = loaded.default ?? loaded;
    } catch (error) {
      throw new UsageError(`${file}: loading failed: ${(error as Error)?.message ?? error}`);
    }
  }
  return checkConfig(raw, file);
}
