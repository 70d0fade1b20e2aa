/** What every bench part is told: where to write, how it was started, and where to log. */
export interface BenchRunOptions {
  /** Directory of the Markdown it writes (docs/results by default). */
  outDir: string;
  /** The command line, quoted in the report. */
  commandLine: string;
  /** The active backend's name, quoted in the report. */
  backend: string;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}
