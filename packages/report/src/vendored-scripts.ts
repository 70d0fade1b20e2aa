import * as fs from 'node:fs';
import * as path from 'node:path';

/** A browser build inlined into the page, with where it came from and its licence. */
export interface VendoredScript {
  name: string;
  version: string;
  license: string;
  /** The package's LICENSE text, shown in the page as BSD-3-Clause asks of redistributions. */
  licenseText: string;
  source: string;
}

/** The UMD builds of vega, vega-lite and vega-embed, in load order (each needs the one before). */
const SCRIPTS = [
  { name: 'vega', file: 'vega.min.js' },
  { name: 'vega-lite', file: 'vega-lite.min.js' },
  { name: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

let cached: VendoredScript[] | undefined;

/** Reads a package.json next to the resolved entry (the packages do not export it). */
function packageInfo(buildDirectory: string): { version: string; license: string } {
  const json = JSON.parse(
    fs.readFileSync(path.join(buildDirectory, '..', 'package.json'), 'utf8'),
  ) as { version: string; license: string };
  return { version: json.version, license: json.license };
}

/**
 * The three scripts that draw the charts, read from the installed packages once per process.
 * Each package's entry point lies in its `build/` folder, beside the minified browser build.
 */
export function vendoredScripts(): VendoredScript[] {
  if (cached) return cached;
  cached = SCRIPTS.map(({ name, file }) => {
    const buildDirectory = path.dirname(require.resolve(name));
    return {
      name,
      ...packageInfo(buildDirectory),
      licenseText: fs.readFileSync(path.join(buildDirectory, '..', 'LICENSE'), 'utf8'),
      source: fs.readFileSync(path.join(buildDirectory, file), 'utf8'),
    };
  });
  return cached;
}

/**
 * Makes script text safe inside an HTML <script> element: `</script` would end it early and
 * `<!--` would switch the parser into its escaped state. In JavaScript strings and regular
 * expressions `<\/` and `<\!` mean the same as `</` and `<!`.
 */
export function escapeInlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
