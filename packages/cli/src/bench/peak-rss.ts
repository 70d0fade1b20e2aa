import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How a peak RSS was read, as the Markdown names it. */
export const PEAK_RSS_METHODS = {
  VmHWM:
    'VmHWM of /proc/<pid>/status at exit, the high-water mark of the CLI process itself (what `/usr/bin/time -v` reports as its maximum resident set size)',
  maxRSS:
    'getrusage maxRSS at exit (no /proc here; where the OS carries it across fork and exec, a parent larger than the CLI makes it read high)',
} as const;

export type PeakRssMethod = keyof typeof PEAK_RSS_METHODS;

/** The built bin and the preload that reports its peak, beside dist/ in the package. */
const BUILT_CLI = {
  bin: path.join(__dirname, '..', 'bin.js'),
  preload: path.join(__dirname, '..', '..', 'bench', 'max-rss.cjs'),
};

/**
 * Peak RSS (MiB) of one CLI run (`neusemslice <cliArgs>`): the built bin in a child process,
 * with the bench/max-rss.cjs preload reporting the peak at exit; or why it was not measured.
 * The preload reads VmHWM, not getrusage's maxRSS: Linux carries maxRSS over from the process
 * that forked the child, so the bench (210+ MiB by then) would be measured instead of the CLI.
 */
export function commandPeakRss(
  cliArgs: readonly string[],
  scratchDir: string,
  paths: { bin: string; preload: string } = BUILT_CLI,
): { mebibytes: number; method: PeakRssMethod } | { unavailable: string } {
  const { bin, preload } = paths;
  if (!fs.existsSync(bin))
    return { unavailable: 'run from the built CLI (pnpm bench) to spawn it' };
  const rssFile = path.join(scratchDir, `max-rss-${process.pid}.json`);
  fs.rmSync(rssFile, { force: true });
  const result = spawnSync(process.execPath, ['-r', preload, bin, ...cliArgs], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, NEUSEMSLICE_MAX_RSS_FILE: rssFile },
  });
  if (result.status !== 0) {
    return {
      unavailable: `${cliArgs[0] ?? 'the CLI'} exited with ${result.status}: ${result.stderr.trim().split('\n').pop()}`,
    };
  }
  if (!fs.existsSync(rssFile)) return { unavailable: 'the child process wrote no peak RSS' };
  const peak = JSON.parse(fs.readFileSync(rssFile, 'utf8')) as {
    kibibytes: number;
    source: PeakRssMethod;
  };
  fs.rmSync(rssFile, { force: true });
  return { mebibytes: peak.kibibytes / 1024, method: peak.source };
}
