import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STUDY_SETTINGS } from '../shared/settings';
import { readRq1OptionsCsv, regenerateRq1OptionsReport } from './options-csv';
import { writeRq1OptionsReport } from './options-report';
import type { Rq1Point } from './options-study';

const directories: string[] = [];
function temporary(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rq1-options-csv-'));
  directories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

/** A point whose semantic slice at Θ = 0.9 passes (≥ the interpolated 0.85, > random) or not. */
function point(setting: string, seed: number, variant: string, pass: boolean): Rq1Point {
  const fill = variant.startsWith('mean-fill') ? 'mean' : 'zero';
  return {
    setting,
    seed,
    variant,
    metric: 'taylor',
    fill,
    baseAccuracy: 0.9,
    totalNeurons: 10,
    curve: [
      {
        slicer: 'global',
        parameter: 0.5,
        compressionRate: 0.2,
        accuracy: 0.8,
        criticalNeurons: 5,
        randomMean: 0.7,
        randomStd: 0.012345,
      },
      {
        slicer: 'global',
        parameter: 1,
        compressionRate: 0,
        accuracy: 0.9,
        criticalNeurons: 10,
        randomMean: 0.9,
        randomStd: 0,
      },
      {
        slicer: 'category-wise',
        parameter: 0.5,
        compressionRate: 0.15,
        accuracy: 0.7,
        criticalNeurons: 6,
        randomMean: 0.6,
        randomStd: 0.02,
      },
      {
        slicer: 'semantic',
        parameter: 0.9,
        compressionRate: 0.1,
        accuracy: pass ? 0.86 : 0.8,
        criticalNeurons: 7,
        randomMean: 0.84,
        randomStd: 0.01,
        categoryCompressionRate: 0.55,
      },
    ],
  };
}

const settings = STUDY_SETTINGS.filter((setting) =>
  ['mlp-mnist', 'lenet5-fashion-mnist'].includes(setting.id),
);
const points: Rq1Point[] = [
  point('mlp-mnist', 1, 'default', false),
  point('mlp-mnist', 1, 'mean-fill', true),
  point('mlp-mnist', 1, 'mean-fill+layer-budget', true),
  point('lenet5-fashion-mnist', 1, 'default', false),
  point('lenet5-fashion-mnist', 1, 'mean-fill', true),
  point('lenet5-fashion-mnist', 1, 'mean-fill+layer-budget', false),
  point('lenet5-fashion-mnist', 1, 'flattened', true),
];
const command =
  'neusemslice study rq1-options --seeds 1 --random-draws 3 --per-class 20 --test-samples 50';

/** The study's report of the points above, written as a run writes it. */
function studyReport(): string {
  const outDir = temporary();
  writeRq1OptionsReport({
    outDir,
    settings,
    seeds: [1],
    command,
    backend: 'cpu',
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    elapsedSeconds: 12,
    plan: {
      thetas: [0.9],
      keepRatios: [0.5, 1],
      randomDraws: 3,
      slicingPerClass: 20,
      testSamples: 50,
      batchSize: 256,
    },
    points,
  });
  return path.join(outDir, 'rq1-options.csv');
}

describe('readRq1OptionsCsv and regenerateRq1OptionsReport', () => {
  it('read the CSV back into the points, plan and provenance it was written from', () => {
    const csvFile = studyReport();
    const read = readRq1OptionsCsv(csvFile);
    expect(read.points).toEqual(points);
    expect(read.settings.map((setting) => setting.id)).toEqual([
      'mlp-mnist',
      'lenet5-fashion-mnist',
    ]);
    expect(read.plan).toEqual({
      thetas: [0.9],
      keepRatios: [0.5, 1],
      randomDraws: 3,
      slicingPerClass: 20,
      testSamples: 50,
      batchSize: 256,
    });
    expect(read.metric).toBe('taylor');
    expect(read.provenance).toMatchObject({
      command,
      seeds: [1],
      backend: 'cpu',
      startedAt: new Date('2026-01-02T03:04:05.000Z'),
    });
  });

  it('write the same CSV again and a report with the decision section and its provenance', () => {
    const csvFile = studyReport();
    const outDir = temporary();
    const regenerateCommand = `neusemslice study rq1-options --from-csv ${csvFile} --out ${outDir}`;
    const files = regenerateRq1OptionsReport({ csvFile, outDir, command: regenerateCommand });
    expect(fs.readFileSync(files.csv, 'utf8')).toBe(fs.readFileSync(csvFile, 'utf8'));
    const markdown = fs.readFileSync(files.markdown, 'utf8');
    const original = fs.readFileSync(csvFile.replace(/\.csv$/, '.md'), 'utf8');
    expect(markdown).toContain(`- Command: \`${command}\``);
    expect(markdown).toContain('- Backend: cpu; machine: ');
    expect(markdown).toContain(original.split('\n').find((line) => line.includes('machine:')));
    expect(markdown).toContain('- Date: 2026-01-02T03:04:05.000Z; time: not recorded in the CSV');
    expect(markdown).toContain(
      `- Regenerated from \`rq1-options.csv\` (nothing recomputed) by \`${regenerateCommand}\``,
    );
    expect(markdown).toContain('- Slicing data: 20 training samples per class');
    expect(markdown).toContain('## Choosing the defaults');
    expect(markdown).toContain('| fill | `mean-fill` vs `default` | 1 vs 0 of 1 | 1 vs 0 of 1 |');
    expect(markdown).toContain(
      '| combine | `mean-fill+layer-budget` vs `mean-fill` | 1 vs 1 of 1 | 0 vs 1 of 1 |',
    );
    expect(markdown).toContain(
      "`features: 'flattened'` (`flattened`) is adopted as a per-model option",
    );
    // Apart from the regeneration lines, the report is the one the study wrote.
    const withoutRunLines = (text: string) =>
      text
        .split('\n')
        .filter((line) => !line.startsWith('- Date:') && !line.startsWith('- Regenerated'));
    expect(withoutRunLines(markdown)).toEqual(withoutRunLines(original));
    expect(fs.readFileSync(files.svg, 'utf8')).toContain(`<desc>command: ${command}`);
  });

  it('refuse a missing or corrupt CSV, naming the file and what was expected', () => {
    const directory = temporary();
    const missing = path.join(directory, 'nowhere.csv');
    expect(() => readRq1OptionsCsv(missing)).toThrow(
      `cannot read the rq1-options CSV '${missing}': no such file (expected the rq1-options.csv that 'neusemslice study rq1-options' writes)`,
    );
    const good = fs.readFileSync(studyReport(), 'utf8').split('\n');
    const cases: [string[], string][] = [
      [
        [],
        "line 1: expected the provenance comment '# command: … | seeds: … | backend: … | machine: … | date: …', the file is empty",
      ],
      [good.slice(1), 'line 1: expected the provenance comment'],
      [[good[0], 'a,b,c', ...good.slice(2)], "line 2: expected the header 'setting,seed,variant,"],
      [good.slice(0, 2), 'no rows after the header (expected one row per slice)'],
      [
        [...good.slice(0, 3), 'mlp-mnist,1,default', ...good.slice(3)],
        'line 4: expected 15 fields',
      ],
      [
        [...good.slice(0, 2), good[2].replace(',0.8,', ',eighty,'), ...good.slice(3)],
        "line 3: expected a number in column accuracy, got 'eighty'",
      ],
      [
        [...good.slice(0, 2), good[2].replace(',global,', ',deeparc,'), ...good.slice(3)],
        "line 3: expected slicer global | category-wise | semantic, got 'deeparc'",
      ],
      [
        [...good.slice(0, 2), good[2].replace('mlp-mnist,', 'vgg-mnist,'), ...good.slice(3)],
        "line 3: unknown setting 'vgg-mnist'",
      ],
    ];
    for (const [lines, message] of cases) {
      const file = path.join(directory, 'corrupt.csv');
      fs.writeFileSync(file, lines.join('\n'));
      expect(() => readRq1OptionsCsv(file)).toThrow(`rq1-options CSV '${file}': ${message}`);
    }
  });
});
