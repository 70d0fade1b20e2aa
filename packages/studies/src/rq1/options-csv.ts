import * as fs from 'node:fs';
import { UsageError } from '@neusemslice/core';
import { parseCsvRecord } from '../csv';
import { type StudySetting, studySetting } from '../shared/settings';
import type { MaskFill } from './masked-evaluation';
import { RQ1_OPTIONS_CSV_COLUMNS, writeRq1OptionsReport } from './options-report';
import {
  RQ1_PLAN_DEFAULTS,
  type Rq1CurvePoint,
  type Rq1Plan,
  type Rq1Point,
} from './options-study';

/**
 * rq1-options.csv read back into the option study's points, so the report can be written again
 * (new sections, a fixed table) without the checkpoint or any computation.
 */

/** The provenance line the study wrote first: `# command: … | seeds: … | … | date: …`. */
export interface Rq1CsvProvenance {
  /** The line without `# `, as written. */
  line: string;
  command: string;
  seeds: number[];
  backend?: string;
  machine: string;
  startedAt: Date;
}

/** What rq1-options.csv holds, as the report needs it. */
export interface Rq1OptionsCsv {
  provenance: Rq1CsvProvenance;
  /** In the order the study ran them. */
  settings: StudySetting[];
  points: Rq1Point[];
  /** Θ and k from the rows; the counts from the recorded command's options, else the defaults. */
  plan: Rq1Plan;
  /** The metric every variant ran with (the first point's). */
  metric: string;
}

const PROVENANCE =
  /^command: (.*) \| seeds: (.*) \| backend: (.*) \| machine: (.*) \| date: ([^|]*)$/;

const SLICERS: readonly Rq1CurvePoint['slicer'][] = ['global', 'category-wise', 'semantic'];
const FILLS: readonly MaskFill[] = ['zero', 'mean'];

/** The value of `--name <value>` (or `--name=<value>`) in a recorded command line. */
function commandOption(command: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)--${name}(?:=|\\s+)(\\S+)`).exec(command);
  return match?.[1];
}

/**
 * Reads a CSV that `neusemslice study rq1-options` (or `runRq1OptionsStudy`) wrote. A missing or
 * malformed file is a UsageError naming the file, the line and what was expected there.
 */
export function readRq1OptionsCsv(file: string): Rq1OptionsCsv {
  const fail = (what: string): never => {
    throw new UsageError(`rq1-options CSV '${file}': ${what}`);
  };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read the rq1-options CSV '${file}': ${code === 'ENOENT' ? 'no such file' : (error as Error).message} ` +
        "(expected the rq1-options.csv that 'neusemslice study rq1-options' writes)",
    );
  }
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();

  const first = lines[0] ?? '';
  const provenanceMatch = first.startsWith('# ') ? PROVENANCE.exec(first.slice(2)) : null;
  if (!provenanceMatch) {
    fail(
      "line 1: expected the provenance comment '# command: … | seeds: … | backend: … | machine: … | date: …'" +
        (first === '' ? ', the file is empty' : `, got '${first.slice(0, 80)}'`),
    );
  }
  const [, command, seedList, backend, machine, date] = provenanceMatch as RegExpExecArray;
  const seeds = seedList.split(',').map((seed) => Number(seed.trim()));
  if (seeds.length === 0 || seeds.some((seed) => !Number.isInteger(seed))) {
    fail(`line 1: expected seeds as comma-separated integers, got '${seedList}'`);
  }
  const startedAt = new Date(date.trim());
  if (Number.isNaN(startedAt.getTime())) fail(`line 1: expected an ISO date, got '${date}'`);

  const expectedHeader = RQ1_OPTIONS_CSV_COLUMNS.join(',');
  if (lines[1] !== expectedHeader) {
    fail(
      `line 2: expected the header '${expectedHeader}', got ${lines[1] === undefined ? 'nothing' : `'${lines[1].slice(0, 80)}'`}`,
    );
  }
  if (lines.length < 3) fail('no rows after the header (expected one row per slice)');

  const points = new Map<string, Rq1Point>();
  const settings: StudySetting[] = [];
  const thetas: number[] = [];
  const keepRatios: number[] = [];
  for (let index = 2; index < lines.length; index++) {
    const at = `line ${index + 1}`;
    let fields: string[] = [];
    try {
      fields = parseCsvRecord(lines[index]);
    } catch (error) {
      fail(`${at}: ${(error as Error).message}`);
    }
    if (fields.length !== RQ1_OPTIONS_CSV_COLUMNS.length) {
      fail(
        `${at}: expected ${RQ1_OPTIONS_CSV_COLUMNS.length} fields (${expectedHeader}), got ${fields.length}`,
      );
    }
    const row = Object.fromEntries(
      RQ1_OPTIONS_CSV_COLUMNS.map((name, column) => [name, fields[column]]),
    );
    const number = (name: string, options: { integer?: boolean; optional?: boolean } = {}) => {
      const raw = row[name];
      if (raw === '' && options.optional) return undefined;
      const value = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(value) || (options.integer && !Number.isInteger(value))) {
        fail(
          `${at}: expected ${options.integer ? 'an integer' : 'a number'} in column ${name}, got '${raw}'`,
        );
      }
      return value;
    };
    const slicer = row.slicer as Rq1CurvePoint['slicer'];
    if (!SLICERS.includes(slicer)) {
      fail(`${at}: expected slicer ${SLICERS.join(' | ')}, got '${row.slicer}'`);
    }
    const fill = row.fill as MaskFill;
    if (!FILLS.includes(fill)) fail(`${at}: expected fill ${FILLS.join(' | ')}, got '${row.fill}'`);
    if (row.variant === '' || row.metric === '') fail(`${at}: expected a variant and a metric`);
    let setting = settings.find((known) => known.id === row.setting);
    if (!setting) {
      try {
        setting = studySetting(row.setting);
      } catch (error) {
        fail(`${at}: ${(error as Error).message}`);
      }
      settings.push(setting as StudySetting);
    }
    const seed = number('seed', { integer: true }) as number;
    const parameter = number('parameter') as number;
    const totalNeurons = number('totalNeurons', { integer: true }) as number;
    const baseAccuracy = number('unmaskedAccuracy') as number;
    const key = `${row.setting}/${seed}/${row.variant}/${row.metric}`;
    let point = points.get(key);
    if (!point) {
      point = {
        setting: row.setting,
        seed,
        variant: row.variant,
        metric: row.metric,
        fill,
        baseAccuracy,
        totalNeurons,
        curve: [],
      };
      points.set(key, point);
    } else if (point.fill !== fill || point.totalNeurons !== totalNeurons) {
      fail(`${at}: fill or totalNeurons differ from the earlier rows of ${key}`);
    }
    const categoryCompressionRate = number('categoryCompressionRate', { optional: true });
    point.curve.push({
      slicer,
      parameter,
      compressionRate: number('compressionRate') as number,
      accuracy: number('accuracy') as number,
      criticalNeurons: number('criticalNeurons', { integer: true }) as number,
      randomMean: number('randomMean') as number,
      randomStd: number('randomStd') as number,
      ...(categoryCompressionRate === undefined ? {} : { categoryCompressionRate }),
    });
    const values = slicer === 'semantic' ? thetas : keepRatios;
    if (!values.includes(parameter)) values.push(parameter);
  }
  if (thetas.length === 0) fail('no semantic rows (expected slices of every slicer)');

  const count = (name: string, fallback: number): number => {
    const raw = commandOption(command, name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      fail(`line 1: expected --${name} in the command to be an integer ≥ 1, got '${raw}'`);
    }
    return value;
  };
  const all = [...points.values()];
  return {
    provenance: {
      line: first.slice(2),
      command,
      seeds,
      backend: backend === 'not given' ? undefined : backend,
      machine,
      startedAt,
    },
    settings,
    points: all,
    plan: {
      thetas,
      keepRatios,
      randomDraws: count('random-draws', RQ1_PLAN_DEFAULTS.randomDraws),
      slicingPerClass: count('per-class', RQ1_PLAN_DEFAULTS.slicingPerClass),
      testSamples: count('test-samples', RQ1_PLAN_DEFAULTS.testSamples),
      batchSize: count('batch-size', RQ1_PLAN_DEFAULTS.batchSize),
    },
    metric: all[0].metric,
  };
}

/**
 * Writes rq1-options.{csv,md,svg} into `outDir` again from the study's CSV, computing nothing:
 * the report keeps the CSV's provenance and says it was regenerated by `command`.
 */
export function regenerateRq1OptionsReport(options: {
  csvFile: string;
  outDir: string;
  /** Recorded in the report; default: the library call. */
  command?: string;
}): { csv: string; markdown: string; svg: string; points: Rq1Point[] } {
  const read = readRq1OptionsCsv(options.csvFile);
  const files = writeRq1OptionsReport({
    outDir: options.outDir,
    settings: read.settings,
    seeds: read.provenance.seeds,
    command: read.provenance.command,
    backend: read.provenance.backend,
    startedAt: read.provenance.startedAt,
    elapsedSeconds: NaN,
    plan: read.plan,
    points: read.points,
    metric: read.metric,
    regenerated: {
      provenance: read.provenance.line,
      machine: read.provenance.machine,
      csvFile: options.csvFile,
      command: options.command ?? 'regenerateRq1OptionsReport (library call)',
    },
  });
  return { ...files, points: read.points };
}
