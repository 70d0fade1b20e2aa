import { run } from '../__fixtures__/cli-fixtures';

describe('neusemslice study restructure', () => {
  it('has --help listing its options', async () => {
    const { code, stdout } = await run(['study', 'restructure', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: neusemslice study restructure/);
    for (const option of ['--settings', '--seeds', '--pruners', '--max-iterations', '--cache-dir'])
      expect(stdout).toContain(option);
  });

  it('refuses bad settings, seeds and pruners in one line with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--settings', 'vgg-mnist'], /unknown setting 'vgg-mnist' \(expected mlp-mnist/],
      [['--seeds', '0'], /--seeds must be an integer in \[1, 100\], got '0'/],
      [['--step', '1'], /--step 1: step must be a number in \(0, 1\), got 1/],
      [['--theta', '2'], /--theta 2: /],
      [['--pruners', 'lamp,lamb'], /unknown pruner 'lamb'/],
    ];
    for (const [extra, message] of cases) {
      const result = await run(['study', 'restructure', ...extra]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  });
});
