import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, temporaryDirectory } from '../__fixtures__/cli-fixtures';

describe('neusemslice reproduce', () => {
  const directory = temporaryDirectory('reproduce-cli-');

  it('has --help listing its options', async () => {
    const { code, stdout } = await run(['reproduce', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: neusemslice reproduce/);
    for (const option of ['--settings', '--seeds', '--budget', '--questions', '--cache-dir']) {
      expect(stdout).toContain(option);
    }
  });

  it('refuses bad options in one line with exit code 2, before any work', async () => {
    const out = path.join(directory, 'report.md');
    const cache = path.join(directory, 'cache');
    const common = ['--out', out, '--cache-dir', cache];
    const notAReport = path.join(directory, 'notes.md');
    fs.writeFileSync(notAReport, '# My notes\n');
    const cases: [string[], RegExp][] = [
      [['--settings', 'vgg-mnist'], /unknown setting 'vgg-mnist' \(expected mlp-mnist/],
      [['--seeds', '0'], /--seeds must be an integer in \[1, 100\], got '0'/],
      [['--budget', 'huge'], /unknown budget 'huge' \(expected tiny \| small \| full\)/],
      [['--questions', 'rq1,rq7'], /unknown question 'rq7' \(expected rq1 \| rq2 \| rq3 \| rq4\)/],
      [['--out', path.join(directory, 'report.txt')], /give a \.md file/],
      [['--out', notAReport, '--force'], /is not a reproduction report/],
    ];
    for (const [extra, message] of cases) {
      const result = await run(['reproduce', ...common, ...extra]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect(fs.existsSync(cache)).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readFileSync(notAReport, 'utf8')).toBe('# My notes\n');
  });

  it('skips CIFAR-10 settings whose data is missing, and says so', async () => {
    const empty = path.join(directory, 'no-data');
    fs.mkdirSync(empty);
    const result = await run([
      'reproduce',
      '--settings',
      'alexnet-cifar10',
      '--data-dir',
      empty,
      '--out',
      path.join(directory, 'cifar.md'),
      '--cache-dir',
      path.join(directory, 'cifar-cache'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/alexnet-cifar10: CIFAR-10 not found/);
  });
});
