import { run } from './__fixtures__/cli-fixtures';

describe('neusemslice CLI', () => {
  it('lists its commands', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of ['demo', 'train', 'evaluate', 'info', 'slice', 'study masking', 'bench'])
      expect(stdout).toContain(`  ${command}`);
  });

  it.each(['demo', 'train', 'evaluate', 'info', 'slice', 'study masking', 'bench'])(
    'has --help for %s',
    async (command) => {
      const { code, stdout } = await run([...command.split(' '), '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: neusemslice ${command}`));
      expect(stdout).toContain('--help');
    },
  );

  it('answers bad arguments with one line and exit code 2', async () => {
    const cases: [string[], string][] = [
      [
        ['trian'],
        "neusemslice: unknown command 'trian' (commands: demo, train, evaluate, info, slice,",
      ],
      [
        ['train', '--dataset', 'mnist', '--out', 'x'],
        "neusemslice train: --model <name> is required (see 'neusemslice train --help')",
      ],
      [
        ['train', '--model', 'mlp', '--dataset', 'mnist', '--out', 'x', '--epochs', 'two'],
        "neusemslice train: --epochs must be an integer in [1, 1000], got 'two'",
      ],
      [
        ['train', '--model', 'mlp', '--dataset', 'imagenet', '--out', 'x'],
        "neusemslice train: --dataset: unknown data set 'imagenet' (expected mnist | fashion-mnist | cifar10)",
      ],
      [
        ['slice', '--model', 'm', '--out', 's.json', '--metric', 'tayler'],
        "neusemslice slice: unknown metric 'tayler'",
      ],
      [['evaluate', '--model', 'm', '--colour'], "neusemslice evaluate: Unknown option '--colour'"],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(message);
    }
  });

  it('names a model directory that does not exist', async () => {
    const { code, stderr } = await run(['info', '--model', 'no/such/model']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no\/such\/model/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
