import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StudySetting } from './settings';

/**
 * What heads every study's report: the files it writes and the provenance they state (command,
 * seeds, backend, machine, date).
 */

/** What every study's report is told about the run that made it. */
export interface StudyReportBase {
  outDir: string;
  settings: readonly StudySetting[];
  seeds: readonly number[];
  command: string;
  backend?: string;
  startedAt: Date;
  elapsedSeconds: number;
}

/** The report base of a study started at `startedAt` (ms), with its default command. */
export function studyReportBase(
  options: {
    outDir: string;
    settings: readonly StudySetting[];
    seeds: readonly number[];
    command?: string;
    backend?: string;
  },
  startedAt: number,
  defaultCommand: string,
): StudyReportBase {
  return {
    outDir: options.outDir,
    settings: options.settings,
    seeds: options.seeds,
    command: options.command ?? defaultCommand,
    backend: options.backend,
    startedAt: new Date(startedAt),
    elapsedSeconds: (Date.now() - startedAt) / 1000,
  };
}

export interface StudyReportFiles {
  /** Mean ± std per cell of the table, with the paper's figures. */
  csv: string;
  /** One row per run. */
  runsCsv: string;
  markdown: string;
}

/** `<name>.csv`, `<name>-runs.csv` and `<name>.md` in `outDir`, which is created. */
export function studyReportFiles(outDir: string, name: string): StudyReportFiles {
  fs.mkdirSync(outDir, { recursive: true });
  return {
    csv: path.join(outDir, `${name}.csv`),
    runsCsv: path.join(outDir, `${name}-runs.csv`),
    markdown: path.join(outDir, `${name}.md`),
  };
}

/** CPU model, cores, memory (unless `memory: false`), platform and Node version. */
export function machineLine(options: { memory?: boolean } = {}): string {
  const cpus = os.cpus();
  const memory = options.memory === false ? '' : `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, `;
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${memory}${os.platform()} ${os.arch()}, Node ${process.version}`;
}

/** `command: … | seeds: … | backend: … | machine: … | date: …`, the CSV files' first line. */
export function studyProvenanceLine(
  input: Pick<StudyReportBase, 'command' | 'seeds' | 'backend' | 'startedAt'>,
  options: { machine?: string; seedSeparator?: string } = {},
): string {
  return [
    `command: ${input.command}`,
    `seeds: ${input.seeds.join(options.seedSeparator ?? ', ')}`,
    `backend: ${input.backend ?? 'not given'}`,
    `machine: ${options.machine ?? machineLine()}`,
    `date: ${input.startedAt.toISOString()}`,
  ].join(' | ');
}

/** A report's files, its provenance line and the machine line it states. */
export interface StudyReportHeader {
  files: StudyReportFiles;
  provenance: string;
  machine: string;
}

/** The header of report `name` (see `studyReportFiles`, `machineLine`, `studyProvenanceLine`). */
export function studyReportHeader(
  input: StudyReportBase,
  name: string,
  options: { memory?: boolean; seedSeparator?: string } = {},
): StudyReportHeader {
  const machine = machineLine({ memory: options.memory });
  return {
    files: studyReportFiles(input.outDir, name),
    provenance: studyProvenanceLine(input, { machine, seedSeparator: options.seedSeparator }),
    machine,
  };
}
