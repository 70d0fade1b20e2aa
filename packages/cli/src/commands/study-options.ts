import { UsageError } from '@neusemslice/core';
import { parseSettings, type StudySetting } from '@neusemslice/studies';
import { numberOption, type OptionSpecs, type ParsedOptions, stringOption } from '../args';
import type { CommandContext } from '../command';
import { throttledProgress } from '../progress-printer';
import { activateBackend, loadSplit } from './common';
import { checkOutputPath } from './output-path';

/** The names of a comma-separated option, at least one. */
export function listOf(value: string, what: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) throw new UsageError(`--${what}: give at least one name`);
  return items;
}

/** `--settings` and `--seeds`, the first options of every `study` command. */
export function studyScopeOptions(seedsDescription: string): OptionSpecs {
  return {
    settings: {
      type: 'string',
      placeholder: '<list>',
      default: 'mlp-mnist,mlp-fashion-mnist,lenet5-fashion-mnist',
      description: 'Comma-separated setting ids',
    },
    seeds: {
      type: 'string',
      placeholder: '<n>',
      default: '2',
      description: seedsDescription,
    },
  };
}

/** `--theta` and `--per-class` of the Taylor slice a study makes of each trained original. */
export const studySliceOptions: OptionSpecs = {
  theta: {
    type: 'string',
    placeholder: '<Θ>',
    default: '0.95',
    description: 'Semantic slicer threshold of the Taylor slice',
  },
  'per-class': {
    type: 'string',
    placeholder: '<n>',
    default: '500',
    description: 'Training samples per class to slice on (seeded)',
  },
};

/** `--out` and `--cache-dir` of a `study` command. */
export function studyOutputOptions(
  outDescription: string,
  cacheDescription = 'Trained originals, slices and the checkpoint of finished runs (resumable)',
): OptionSpecs {
  return {
    out: {
      type: 'string',
      placeholder: '<dir>',
      default: 'docs/results',
      description: outDescription,
    },
    'cache-dir': {
      type: 'string',
      placeholder: '<dir>',
      default: 'runs/study-models',
      description: cacheDescription,
    },
  };
}

/** The settings and seeds 1 … n of `--settings` and `--seeds`. */
export function studyScope(options: ParsedOptions): { settings: StudySetting[]; seeds: number[] } {
  const settings = parseSettings(stringOption(options, 'settings'));
  const seedCount = numberOption(options, 'seeds', { min: 1, max: 100, integer: true });
  return { settings, seeds: Array.from({ length: seedCount }, (_, index) => index + 1) };
}

/**
 * The last step before a study runs: checks `--out` and `--cache-dir`, activates the backend,
 * and gives the options every study runner takes from the command line.
 */
export async function studyRunOptions(options: ParsedOptions, context: CommandContext) {
  const outDir = checkOutputPath(stringOption(options, 'out'), {
    optionName: 'out',
    kind: 'directory',
    mayExist: true,
  });
  const cacheDir = stringOption(options, 'cache-dir');
  const backend = await activateBackend(options, context);
  return {
    container: context.container,
    loadData: async (setting: StudySetting) => ({
      train: await loadSplit(setting.dataset, 'train', options, context),
      test: await loadSplit(setting.dataset, 'test', options, context),
    }),
    cacheDir,
    outDir,
    command: context.commandLine,
    backend,
    onProgress: throttledProgress(context.log, 10000),
    log: context.log,
  };
}

/** Prints how long a study took and the files it wrote. */
export function printStudyDone(
  context: CommandContext,
  study: string,
  result: { elapsedSeconds: number; points: readonly unknown[]; files: object },
): void {
  context.print(
    `${study} study done in ${(result.elapsedSeconds / 60).toFixed(1)} min (${result.points.length} runs):`,
  );
  for (const file of Object.values(result.files)) context.print(`  ${file}`);
}
