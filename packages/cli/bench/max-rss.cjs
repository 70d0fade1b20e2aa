// Preloaded (node -r) into a CLI run by `neusemslice bench`: on exit, writes the process's peak
// resident set size to the file named by NEUSEMSLICE_MAX_RSS_FILE, as JSON
// {"kibibytes": n, "source": "VmHWM" | "maxRSS"}.
//
// On Linux the peak is VmHWM from /proc/self/status: the high-water mark of this program's own
// memory. getrusage's maxRSS (process.resourceUsage().maxRSS) is not used there because Linux
// carries it across fork and exec: a child spawned by a large parent (the bench itself, 210+ MiB)
// reports the parent's size whenever that is larger than its own peak. Elsewhere maxRSS is all
// there is.
//
// With NEUSEMSLICE_MEMORY_TRACE=1 it also prints, after every line the CLI writes to stderr and
// at exit, where the memory is: `memory: rss … peak … anon … file … heapUsed … heapTotal …
// external … arrayBuffers …` (MiB; anon and file from /proc, the rest from process.memoryUsage()).
const fs = require('node:fs');

function procStatus() {
  try {
    return fs.readFileSync('/proc/self/status', 'utf8');
  } catch {
    return ''; // No procfs (macOS, Windows).
  }
}

/** A `Vm…`/`Rss…` line of /proc/self/status in KiB, or undefined. */
function statusKibibytes(status, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  return match ? Number(match[1]) : undefined;
}

function peakResidentKibibytes() {
  const vmHwm = statusKibibytes(procStatus(), 'VmHWM');
  if (vmHwm !== undefined) return { kibibytes: vmHwm, source: 'VmHWM' };
  return { kibibytes: process.resourceUsage().maxRSS, source: 'maxRSS' };
}

function memoryBreakdown() {
  const status = procStatus();
  const usage = process.memoryUsage();
  const mib = (bytes) => (bytes === undefined ? 'n/a' : (bytes / 2 ** 20).toFixed(1));
  const fromStatus = (field) => {
    const kibibytes = statusKibibytes(status, field);
    return mib(kibibytes === undefined ? undefined : kibibytes * 1024);
  };
  return (
    `rss ${mib(usage.rss)} peak ${fromStatus('VmHWM')} anon ${fromStatus('RssAnon')} ` +
    `file ${fromStatus('RssFile')} heapUsed ${mib(usage.heapUsed)} heapTotal ${mib(usage.heapTotal)} ` +
    `external ${mib(usage.external)} arrayBuffers ${mib(usage.arrayBuffers)} MiB`
  );
}

const writeStderr = process.stderr.write.bind(process.stderr);
if (process.env.NEUSEMSLICE_MEMORY_TRACE === '1') {
  process.stderr.write = (chunk, ...rest) => {
    const written = writeStderr(chunk, ...rest);
    const line = String(chunk).trim().split('\n')[0].slice(0, 60);
    writeStderr(`memory: ${memoryBreakdown()} | after: ${line}\n`);
    return written;
  };
}

process.on('exit', () => {
  if (process.env.NEUSEMSLICE_MEMORY_TRACE === '1')
    writeStderr(`memory: ${memoryBreakdown()} | at exit\n`);
  const file = process.env.NEUSEMSLICE_MAX_RSS_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(peakResidentKibibytes()));
});
