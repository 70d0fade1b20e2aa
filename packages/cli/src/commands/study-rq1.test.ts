import * as fs from 'node:fs';
import * as path from 'node:path';
import { RQ1_OPTIONS_CSV_COLUMNS } from '@neusemslice/studies';
import { run, temporaryDirectory } from '../__fixtures__/cli-fixtures';

const PROVENANCE =
  '# command: neusemslice study rq1-options --settings mlp-mnist --seeds 2 --per-class 30 | seeds: 1, 2 | ' +
  'backend: wasm | machine: Test CPU, 2 cores, 8 GiB, linux x64, Node v20.0.0 | date: 2026-01-02T03:04:05.000Z';

/** One (seed, variant) of MLP-MNIST: a global curve and a semantic slice that passes or not. */
function rows(seed: number, variant: string, pass: boolean): string[] {
  const fill = variant.startsWith('mean-fill') ? 'mean' : 'zero';
  const row = (slicer: string, parameter: number, rate: number, accuracy: number, random: number) =>
    [
      'mlp-mnist',
      seed,
      variant,
      'taylor',
      fill,
      slicer,
      parameter,
      rate,
      accuracy,
      random,
      0.01,
      5,
      10,
      slicer === 'semantic' ? 0.5 : '',
      0.9,
    ].join(',');
  return [
    row('global', 0.5, 0.2, 0.8, 0.7),
    row('global', 1, 0, 0.9, 0.9),
    row('category-wise', 0.5, 0.15, 0.7, 0.6),
    row('semantic', 0.9, 0.1, pass ? 0.86 : 0.8, 0.84),
  ];
}

/** A small synthetic rq1-options.csv: mean-fill passes where default fails. */
function syntheticCsv(): string {
  const lines = [PROVENANCE, RQ1_OPTIONS_CSV_COLUMNS.join(',')];
  for (const seed of [1, 2]) {
    lines.push(...rows(seed, 'default', seed === 1), ...rows(seed, 'mean-fill', true));
    lines.push(...rows(seed, 'mean-fill+layer-budget', seed === 2));
  }
  return `${lines.join('\n')}\n`;
}

describe('neusemslice study rq1-options --from-csv', () => {
  const directory = temporaryDirectory('study-rq1-');

  it('is listed in --help', async () => {
    const { code, stdout } = await run(['study', 'rq1-options', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--from-csv <file>');
  });

  it('writes the report again from the CSV, with the decision section, computing nothing', async () => {
    const csvFile = path.join(directory, 'input.csv');
    fs.writeFileSync(csvFile, syntheticCsv());
    const outDir = path.join(directory, 'out');
    const argv = ['study', 'rq1-options', '--from-csv', csvFile, '--out', outDir];
    const { code, stdout, stderr } = await run(argv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`rq1-options report regenerated from ${csvFile} (6 runs):`);
    expect(fs.readFileSync(path.join(outDir, 'rq1-options.csv'), 'utf8')).toBe(syntheticCsv());
    const markdown = fs.readFileSync(path.join(outDir, 'rq1-options.md'), 'utf8');
    expect(markdown).toContain(
      '- Command: `neusemslice study rq1-options --settings mlp-mnist --seeds 2 --per-class 30`',
    );
    expect(markdown).toContain(
      '- Backend: wasm; machine: Test CPU, 2 cores, 8 GiB, linux x64, Node v20.0.0',
    );
    expect(markdown).toContain(
      `- Regenerated from \`input.csv\` (nothing recomputed) by \`neusemslice ${argv.join(' ')}\``,
    );
    expect(markdown).toContain('- Slicing data: 30 training samples per class');
    expect(markdown).toContain('## Choosing the defaults');
    expect(markdown).toContain(
      '| fill | `mean-fill` vs `default` | 2 vs 1 of 2 | 2 vs 1 of 2 | 1 / 0 | 1.000 | **adopt**',
    );
    expect(markdown).toContain(
      '| combine | `mean-fill+layer-budget` vs `mean-fill` | 1 vs 2 of 2 | 1 vs 2 of 2 | 0 / 1 | 1.000 | keep: fewer in total (1 vs 2 of 2); loses MLP-MNIST 1 vs 2 |',
    );
    expect(fs.existsSync(path.join(outDir, 'rq1-options.svg'))).toBe(true);
  });

  it('refuses a missing or corrupt CSV in one line, naming the file and what was expected', async () => {
    const corrupt = path.join(directory, 'corrupt.csv');
    fs.writeFileSync(corrupt, 'setting,seed\nmlp-mnist,1\n');
    const missing = path.join(directory, 'missing.csv');
    const cases: [string[], string][] = [
      [
        ['--from-csv', missing],
        `cannot read the rq1-options CSV '${missing}': no such file (expected the rq1-options.csv that 'neusemslice study rq1-options' writes)`,
      ],
      [
        ['--from-csv', corrupt],
        `rq1-options CSV '${corrupt}': line 1: expected the provenance comment '# command: … | seeds: … | backend: … | machine: … | date: …', got 'setting,seed'`,
      ],
      [['--from-csv', corrupt, '--report-only'], 'give --from-csv or --report-only, not both'],
    ];
    for (const [extra, message] of cases) {
      const result = await run(['study', 'rq1-options', ...extra, '--out', directory]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(message);
    }
  });
});
