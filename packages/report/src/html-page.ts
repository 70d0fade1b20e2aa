import type { VegaLiteSpec } from './chart-specs';
import { escapeInlineScript, vendoredScripts } from './vendored-scripts';

export interface ReportChart {
  /** Element id, unique in the page. */
  id: string;
  spec: VegaLiteSpec;
}

export interface ReportSection {
  id: string;
  title: string;
  /** One paragraph of plain text saying what the section shows. */
  intro: string;
  charts: ReportChart[];
  /** Plain-text notes (why something is missing, how it was computed). */
  notes: string[];
  /** Key figures shown as a two-column table. */
  facts?: [string, string][];
}

export interface ReportPage {
  title: string;
  subtitle: string;
  facts: [string, string][];
  sections: ReportSection[];
  commandLine?: string;
  generatedAt: string;
}

/** The page's `<meta name="generator">`, by which a tool knows a file is a slice report. */
export const REPORT_GENERATOR = 'neusemslice-report';

/** True when the HTML text is a page this package wrote (its generator tag is in the head). */
export function isSliceReportHtml(html: string): boolean {
  return html.slice(0, 2000).includes(`<meta name="generator" content="${REPORT_GENERATOR}">`);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON for a `<script type="application/json">` element (no `<` can end it). */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; margin: 0; background: #f6f7f9; }
header { background: #1f3a5f; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; opacity: 0.85; }
main { padding: 8px 28px 28px; display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }
section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 12px 16px; }
section h2 { font-size: 16px; margin: 4px 0 6px; }
section p.intro { margin: 0 0 8px; color: #444; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.note { color: #8a5a00; background: #fff8e6; border-left: 3px solid #e0a800; padding: 4px 8px; margin: 6px 0; }
table.facts { border-collapse: collapse; margin: 6px 0; }
table.facts td { padding: 2px 12px 2px 0; vertical-align: top; }
table.facts td:first-child { color: #555; }
.summary { grid-column: 1 / -1; }
footer { padding: 0 28px 24px; color: #666; font-size: 12px; }
code { background: #eef1f4; padding: 1px 4px; border-radius: 3px; }
`;

/** Draws every chart with vega-embed; a failure shows in its box and in the console. */
const BOOT = `
(function () {
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  var pending = charts.map(function (chart) {
    var element = document.getElementById(chart.id);
    return vegaEmbed(element, chart.spec, { renderer: 'svg', actions: false })
      .then(function () { element.setAttribute('data-rendered', 'true'); })
      .catch(function (error) {
        element.textContent = 'This chart could not be drawn: ' + error;
        console.error('chart ' + chart.id + ':', error);
      });
  });
  Promise.all(pending).then(function () {
    document.body.setAttribute('data-charts-done', String(charts.length));
  });
})();
`;

function factsTable(facts: [string, string][]): string {
  if (facts.length === 0) return '';
  const rows = facts
    .map(([name, value]) => `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return `<table class="facts">${rows}</table>`;
}

function renderSection(section: ReportSection): string {
  const notes = section.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('');
  const charts = section.charts
    .map((chart) => `<div class="chart" id="${escapeHtml(chart.id)}"></div>`)
    .join('');
  return `<section id="${escapeHtml(section.id)}" data-section="${escapeHtml(section.id)}">
<h2>${escapeHtml(section.title)}</h2>
<p class="intro">${escapeHtml(section.intro)}</p>
${factsTable(section.facts ?? [])}${notes}
<div class="charts">${charts}</div>
</section>`;
}

/**
 * One self-contained HTML page: styles, data, chart specs and the vega / vega-lite / vega-embed
 * browser builds are all inline, so the file opens offline and can be mailed or archived.
 */
export function renderReportHtml(page: ReportPage): string {
  const scripts = vendoredScripts();
  const charts = page.sections.flatMap((section) => section.charts);
  const credits = scripts
    .map((script) => `${script.name} ${script.version} (${script.license})`)
    .join(', ');
  const command = page.commandLine
    ? `<p>Made with <code>${escapeHtml(page.commandLine)}</code></p>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${REPORT_GENERATOR}">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.subtitle)}</p></header>
<main>
<section class="summary" id="summary" data-section="summary"><h2>Summary</h2>${factsTable(page.facts)}</section>
${page.sections.map(renderSection).join('\n')}
</main>
<footer>${command}<p>Generated ${escapeHtml(page.generatedAt)} by NeuSemSlice-TS. Charts drawn in the page by ${escapeHtml(credits)}, inlined under their licences.</p>
<details><summary>Licences of the inlined scripts</summary>${scripts.map((script) => `<h3>${escapeHtml(script.name)}</h3><pre>${escapeHtml(script.licenseText)}</pre>`).join('')}</details></footer>
<script type="application/json" id="report-charts">${inlineJson(charts)}</script>
${scripts.map((script) => `<script>/* ${script.name} ${script.version}, ${script.license} */\n${escapeInlineScript(script.source)}</script>`).join('\n')}
<script>${BOOT}</script>
</body>
</html>
`;
}
