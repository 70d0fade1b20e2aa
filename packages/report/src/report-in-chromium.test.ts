import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import {
  disposeFixture,
  tinyReportFixture,
  type TinyReportFixture,
} from './__fixtures__/tiny-report';
import { buildSliceReport } from './build-slice-report';
import { findChromium } from './chromium';

const executablePath = findChromium();
if (!executablePath) {
  process.stderr.write(
    'report-in-chromium.test.ts: SKIPPED — no Chromium binary found (install Debian’s `chromium` or set CHROMIUM_PATH); the page was not checked in a browser\n',
  );
}
const describeInBrowser = executablePath ? describe : describe.skip;

describeInBrowser('the slice report in headless Chromium', () => {
  let fixture: TinyReportFixture;
  let browser: Browser;
  let directory: string;

  beforeAll(async () => {
    fixture = await tinyReportFixture();
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'neusemslice-report-'));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (fixture) disposeFixture(fixture);
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  it('loads offline with no console error and draws a chart in every section', async () => {
    const compare = { ...fixture.slice, critical: { ...fixture.slice.critical, fc1: [0, 1] } };
    const { html } = await buildSliceReport({
      model: fixture.model,
      slice: fixture.slice,
      compare,
      testData: fixture.test,
      trainData: fixture.train,
      container: fixture.container,
      sweepValues: [0.7, 0.9],
      sweepPerClass: 6,
      randomDraws: 2,
      batchSize: 16,
    });
    const file = path.join(directory, 'report.html');
    fs.writeFileSync(file, html);

    const page = await browser.newPage();
    const problems: string[] = [];
    const outsideRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // The page must not need the network: any request other than the file itself is refused.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      outsideRequests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-charts-done]', { timeout: 30_000 });

    const sections = await page.$$eval('section[data-section]', (elements) =>
      elements.map((element) => ({
        id: element.getAttribute('data-section'),
        charts: element.querySelectorAll('.chart').length,
        drawn: element.querySelectorAll('.chart svg, .chart canvas').length,
      })),
    );
    expect(sections.map((section) => section.id)).toEqual([
      'summary',
      'composition',
      'overlap',
      'sweep',
      'accuracy',
      'changes',
    ]);
    for (const section of sections.filter((entry) => entry.id !== 'summary')) {
      expect(section.charts).toBeGreaterThan(0);
      expect(section.drawn).toBeGreaterThanOrEqual(section.charts);
    }
    // The overlap chart's layer drop-down is bound and changes what is drawn.
    const options = await page.$$eval('#chart-class-overlap select option', (elements) =>
      elements.map((element) => element.textContent),
    );
    expect(options).toEqual([
      'all layers',
      ...fixture.model.neuronLayers.map((layer) => layer.name),
    ]);
    expect(problems).toEqual([]);
    expect(outsideRequests).toEqual([]);
    await page.close();
  }, 120_000);
});
