import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ProgressEvent, UsageError } from '@neusemslice/core';
import { DATASETS, findFilesIn, searchPlaces } from '@neusemslice/data';
import {
  DEFAULT_REPRODUCTION_SETTINGS,
  parseReproductionSettings,
  REPRODUCTION_BUDGETS,
  REPRODUCTION_QUESTIONS,
  type ReproductionQuestion,
  reproductionBudget,
  runReproduction,
  type StudySetting,
} from '@neusemslice/studies';
import { listOf } from './study-options';
import { numberOption, type ParsedOptions, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import { activateBackend, checkRuntimeOptions, loadSplit, runtimeOptions } from './common';
import { claimOutputPath, forceOption } from './output-path';

const REPORT_TITLE = "# Reproduction of the paper's evaluation";

/** Why an existing file is not an earlier reproduction report (which --force may replace). */
function notAReproductionReport(file: string): string | undefined {
  if (!fs.statSync(file).isFile()) return 'is not a file';
  const head = fs.readFileSync(file, 'utf8').slice(0, REPORT_TITLE.length);
  return head === REPORT_TITLE ? undefined : 'is not a reproduction report';
}

/**
 * Why a setting's data is not on this machine: CIFAR-10 is looked for where `loadDataset` looks
 * (--data-dir, NEUSEMSLICE_DATA_DIR, the download cache) and never downloaded unasked.
 */
function missingData(setting: StudySetting, options: ParsedOptions): string | undefined {
  if (setting.dataset !== 'cifar10' || options.download === true) return undefined;
  const spec = DATASETS.cifar10;
  const places = searchPlaces(spec, {
    dir: typeof options['data-dir'] === 'string' ? options['data-dir'] : undefined,
  });
  const present = places.some((place) =>
    place.directories.some((directory) =>
      [...spec.files.train, ...spec.files.test].every(
        (file) => 'paths' in findFilesIn(directory, [file]),
      ),
    ),
  );
  return present
    ? undefined
    : 'CIFAR-10 not found (give --data-dir with its binary batches, or --download)';
}

function questionsOption(options: ParsedOptions): ReproductionQuestion[] {
  const questions = listOf(stringOption(options, 'questions'), 'questions');
  for (const question of questions) {
    if (!(REPRODUCTION_QUESTIONS as readonly string[]).includes(question)) {
      throw new UsageError(
        `--questions: unknown question '${question}' (expected ${REPRODUCTION_QUESTIONS.join(' | ')})`,
      );
    }
  }
  return questions as ReproductionQuestion[];
}

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary:
    "Run RQ1–RQ4 (masking, Tables 4–6) over seeds, resumable, into one report beside the paper's figures",
  options: {
    settings: {
      type: 'string',
      placeholder: '<list>',
      default: DEFAULT_REPRODUCTION_SETTINGS.join(','),
      description:
        'Comma-separated setting ids; cifar10 adds alexnet-cifar10, vgg16-cifar10, resnet101-cifar10 (run only when the data is found)',
    },
    seeds: {
      type: 'string',
      placeholder: '<n>',
      default: '5',
      description: 'Seeds 1 … n: one trained original per setting and seed (the paper: 5)',
    },
    budget: {
      type: 'string',
      placeholder: '<name>',
      default: 'small',
      description: `Size of the runs: ${Object.keys(REPRODUCTION_BUDGETS).join(' | ')} (small is sized for a 2-core machine)`,
    },
    questions: {
      type: 'string',
      placeholder: '<list>',
      default: REPRODUCTION_QUESTIONS.join(','),
      description: 'Which research questions to run',
    },
    out: {
      type: 'string',
      placeholder: '<file>',
      default: 'docs/results/reproduction.md',
      description: 'The report (Markdown); the studies’ own tables go to a folder of the same name',
    },
    'cache-dir': {
      type: 'string',
      placeholder: '<dir>',
      default: 'runs/reproduce',
      description:
        'Trained originals and the checkpoints of finished steps (rerun to resume; another budget keeps its own)',
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const settings = parseReproductionSettings(stringOption(options, 'settings'));
    const seedCount = numberOption(options, 'seeds', { min: 1, max: 100, integer: true });
    const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);
    const budget = reproductionBudget(stringOption(options, 'budget'));
    const questions = questionsOption(options);
    checkRuntimeOptions(options, context);
    const cacheDir = stringOption(options, 'cache-dir');
    const out = stringOption(options, 'out');
    if (!out.endsWith('.md')) {
      throw new UsageError(`--out ${out}: the report is Markdown, give a .md file`);
    }
    const output = claimOutputPath(out, {
      optionName: 'out',
      kind: 'file',
      inputs: [cacheDir],
      force: options.force === true,
      sameKind: notAReproductionReport,
    });
    try {
      const backend = await activateBackend(options, context);
      // The whole run's steps on every event; the studies' inner tasks every 10 s at most.
      const overall = throttledProgress(context.log, 0);
      const inner = throttledProgress(context.log, 10000);
      const result = await runReproduction({
        container: context.container,
        settings,
        seeds,
        budget,
        questions,
        loadData: async (setting) => ({
          train: await loadSplit(setting.dataset, 'train', options, context),
          test: await loadSplit(setting.dataset, 'test', options, context),
        }),
        missingData: (setting) => missingData(setting, options),
        cacheDir,
        out: output.path,
        detailsDir: out.replace(/\.md$/, ''),
        command: context.commandLine,
        backend,
        versions: { '@neusemslice/cli': cliVersion() },
        onProgress: (event: ProgressEvent) => (event.task === 'reproduce' ? overall : inner)(event),
        log: context.log,
      });
      context.print(
        `reproduction done in ${(result.elapsedSeconds / 60).toFixed(1)} min (${result.steps.computed} of ${result.steps.total} steps computed, ${result.steps.reused} from the checkpoint; all steps ${(result.computeSeconds / 60).toFixed(1)} min):`,
      );
      context.print(`  ${out}`);
      for (const entry of result.skipped)
        context.print(`skipped ${entry.setting}: ${entry.reason}`);
      for (const finding of result.tables.findings) context.print(`- ${finding}`);
      return { ...result, report: out };
    } finally {
      output.release();
    }
  },
};

function cliVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'))
      .version;
  } catch {
    return 'unknown';
  }
}
