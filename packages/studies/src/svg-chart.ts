import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * Study figures as Vega-Lite specifications rendered to SVG in Node (vega + vega-lite, no
 * browser). The specs are plain JSON, so a figure can be re-rendered or restyled from its spec.
 */

/** A Vega-Lite specification (plain JSON; vega-lite validates it when it compiles). */
export type VegaLiteSpec = Record<string, unknown>;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/*
 * vega and vega-lite ship as ES modules only, which this CommonJS package (and jest) cannot
 * require; a short Node child process imports them by file URL, compiles the spec read from
 * stdin and writes the SVG to stdout.
 */
const RENDER_SCRIPT = `
const [vegaUrl, vegaLiteUrl] = process.argv.slice(1);
const vega = await import(vegaUrl);
const vegaLite = await import(vegaLiteUrl);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const compiled = vegaLite.compile(JSON.parse(input)).spec;
const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
process.stdout.write(await view.toSVG());
view.finalize();
`;

function moduleUrl(name: string): string {
  return pathToFileURL(require.resolve(name)).href;
}

/** The SVG of a Vega-Lite spec; an invalid spec throws with vega-lite's message. */
export function renderVegaLiteSvg(spec: VegaLiteSpec): string {
  try {
    return execFileSync(
      process.execPath,
      ['--input-type=module', '-e', RENDER_SCRIPT, moduleUrl('vega'), moduleUrl('vega-lite')],
      { input: JSON.stringify(spec), encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: 'pipe' },
    );
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    const reason = stderr.split('\n').find((line) => /Error/.test(line)) ?? stderr;
    throw new Error(`rendering a Vega-Lite figure failed: ${reason || (error as Error).message}`);
  }
}

/**
 * The SVG with a <desc> first inside its root (e.g. the command that made the figure), so the
 * file states its provenance like the CSV and Markdown outputs.
 */
export function withDescription(svg: string, description: string): string {
  const rootEnd = svg.indexOf('>', svg.indexOf('<svg'));
  if (rootEnd < 0) throw new Error('withDescription: no <svg> root in the rendered figure');
  const escaped = description.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `${svg.slice(0, rootEnd + 1)}<desc>${escaped}</desc>${svg.slice(rootEnd + 1)}`;
}

/** y axis domain from just below the lowest value (rounded down to 5 points) up to 1. */
export function autoUnitRange(values: readonly number[]): [number, number] {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return [0, 1];
  const lowest = Math.min(...finite);
  const from = Math.max(0, Math.floor((lowest - 0.02) * 20) / 20);
  return [Math.min(from, 0.95), 1];
}
