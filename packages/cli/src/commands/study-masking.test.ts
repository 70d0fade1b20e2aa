import { run } from '../__fixtures__/cli-fixtures';

describe('neusemslice study masking', () => {
  it('has --help listing the setting, seeds and keep-ratio options', async () => {
    const { code, stdout } = await run(['study', 'masking', '--help']);
    expect(code).toBe(0);
    for (const option of [
      '--setting',
      '--seeds',
      '--keep-ratios',
      '--extra-keep-ratios',
      '--thetas',
    ])
      expect(stdout).toContain(option);
  });

  it('refuses bad input in one line with exit code 2 before loading anything', async () => {
    const cases: [string[], RegExp][] = [
      [[], /give either --model <dir> or --setting <id>, not both or neither/],
      [
        ['--model', 'nowhere', '--setting', 'mlp-mnist'],
        /give either --model <dir> or --setting <id>, not both or neither/,
      ],
      [['--setting', 'vgg-mnist'], /unknown setting 'vgg-mnist' \(expected mlp-mnist/],
      [
        ['--setting', 'mlp-mnist', '--seeds', '0'],
        /--seeds must be an integer in \[1, 100\], got '0'/,
      ],
      [
        ['--setting', 'mlp-mnist', '--keep-ratios', '0.1,1.5'],
        /--keep-ratios must hold numbers in \(0, 1\], got '1.5'/,
      ],
      [
        ['--setting', 'mlp-mnist', '--extra-keep-ratios', 'x'],
        /--extra-keep-ratios must hold numbers/,
      ],
      [['--setting', 'mlp-mnist', '--fill', 'half'], /--fill/],
    ];
    for (const [extra, message] of cases) {
      const result = await run(['study', 'masking', ...extra]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  });
});
