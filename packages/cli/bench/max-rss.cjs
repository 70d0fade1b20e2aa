// Preloaded (node -r) into a CLI run by `neusemslice bench`: on exit, writes the process's peak
// resident set size in KiB to the file named by NEUSEMSLICE_MAX_RSS_FILE.
const fs = require('node:fs');

process.on('exit', () => {
  const file = process.env.NEUSEMSLICE_MAX_RSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
