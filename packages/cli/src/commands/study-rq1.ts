import { listComponents, UsageError } from '@neusemslice/core';
import {
  regenerateRq1OptionsReport,
  RQ1_SCREEN_THETAS,
  RQ1_VARIANTS,
  runRq1OptionsStudy,
} from '@neusemslice/studies';
import { listOption, numberOption, type ParsedOptions, stringOption } from '../args';
import type { Command, CommandContext } from '../command';
import { checkRuntimeOptions, runtimeOptions } from './common';
import { checkOutputPath } from './output-path';
import {
  printStudyDone,
  studyOutputOptions,
  studyRunOptions,
  studyScope,
  studyScopeOptions,
} from './study-options';

/**
 * `--from-csv`: rq1-options.{csv,md,svg} written again into `--out` from the study's CSV, nothing
 * computed (no backend, data or checkpoint); the report keeps the CSV's provenance.
 */
function regenerateFromCsv(options: ParsedOptions, context: CommandContext) {
  if (options['report-only'] === true) {
    throw new UsageError('give --from-csv or --report-only, not both');
  }
  const csvFile = stringOption(options, 'from-csv');
  const outDir = checkOutputPath(stringOption(options, 'out'), {
    optionName: 'out',
    kind: 'directory',
    mayExist: true,
  });
  const result = regenerateRq1OptionsReport({ csvFile, outDir, command: context.commandLine });
  const files = { csv: result.csv, markdown: result.markdown, svg: result.svg };
  context.print(`rq1-options report regenerated from ${csvFile} (${result.points.length} runs):`);
  for (const file of Object.values(files)) context.print(`  ${file}`);
  return { runs: result.points.length, regeneratedFrom: csvFile, files };
}

/** Parses a comma-separated list of shares in (0, 1]. */
function sharesOption(options: ParsedOptions, name: string): number[] {
  return listOption(options, name).map(Number);
}

export const studyRq1Command: Command = {
  name: 'study rq1-options',
  usage: 'study rq1-options [options]',
  summary:
    'RQ1 option study (issue 12): semantic slicing variants vs global, category-wise and random slices, over seeds',
  options: {
    ...studyScopeOptions('Seeds 1 … n (one trained original per seed)'),
    variants: {
      type: 'string',
      placeholder: '<list>',
      default: RQ1_VARIANTS.map((variant) => variant.name).join(','),
      description: 'Comma-separated variants (conv-only ones are skipped on MLPs)',
    },
    metrics: {
      type: 'string',
      placeholder: '<list>',
      default: 'taylor',
      description: 'Metrics every variant runs with',
    },
    'screen-metrics': {
      type: 'string',
      placeholder: '<list>',
      default: 'avg,var,ens,deeplift',
      description: 'Metrics run with the --screen-variants only (the ranking-metric screen)',
    },
    'screen-variants': {
      type: 'string',
      placeholder: '<list>',
      default: 'default',
      description: 'Variants the screen metrics run with (each one of --variants)',
    },
    thetas: {
      type: 'string',
      placeholder: '<list>',
      default: RQ1_SCREEN_THETAS.join(','),
      description: 'Semantic thresholds Θ',
    },
    'random-draws': {
      type: 'string',
      placeholder: '<n>',
      default: '5',
      description: 'Random slices per slice size (mean ± std)',
    },
    'per-class': {
      type: 'string',
      placeholder: '<n>',
      default: '100',
      description: 'Training samples per class to slice on (seeded)',
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      default: '2000',
      description: 'Evaluate on the first n test samples',
    },
    'report-only': {
      type: 'boolean',
      description: 'Compute nothing: write the report from the checkpoint',
    },
    'from-csv': {
      type: 'string',
      placeholder: '<file>',
      description:
        "Compute nothing: write rq1-options.{csv,md,svg} into --out again from a study's rq1-options.csv (its provenance kept; the other study options are not used)",
    },
    ...studyOutputOptions('Directory for rq1-options.{csv,md}'),
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    if (options['from-csv'] !== undefined) return regenerateFromCsv(options, context);
    const { settings, seeds } = studyScope(options);
    const variants = listOption(
      options,
      'variants',
      RQ1_VARIANTS.map((variant) => variant.name),
    );
    const known = listComponents(context.container, 'metric').map((metric) => metric.name);
    const metrics = listOption(options, 'metrics', known);
    const screenMetrics = listOption(options, 'screen-metrics', known);
    const screenVariants = listOption(options, 'screen-variants', variants);
    const thetas = sharesOption(options, 'thetas');
    const randomDraws = numberOption(options, 'random-draws', { min: 1, max: 1000, integer: true });
    const slicingPerClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const testSamples = numberOption(options, 'test-samples', { min: 1, max: 1e9, integer: true });
    const { batchSize } = checkRuntimeOptions(options, context);
    const result = await runRq1OptionsStudy({
      ...(await studyRunOptions(options, context)),
      settings,
      seeds,
      variants,
      metrics,
      screenMetrics,
      screenVariants,
      thetas,
      randomDraws,
      slicingPerClass,
      testSamples,
      batchSize,
      reportOnly: options['report-only'] === true,
    });
    printStudyDone(context, 'rq1-options', result);
    if (result.missing.length > 0)
      context.print(`${result.missing.length} runs not in the checkpoint (report-only)`);
    return {
      runs: result.points.length,
      missing: result.missing,
      files: result.files,
      elapsedSeconds: result.elapsedSeconds,
    };
  },
};
