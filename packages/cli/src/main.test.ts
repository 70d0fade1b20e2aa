import { run } from './__fixtures__/cli-fixtures';
import type { Command } from './command';
import { commands } from './commands';
import { buildProgram, resolveOptionValues } from './main';

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
        "neusemslice: unknown command 'trian' (Did you mean train?) (commands: demo, train, evaluate,",
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
        "neusemslice train: --dataset: unknown data set 'imagenet' (expected mnist | fashion-mnist | cifar10",
      ],
      [
        ['slice', '--model', 'm', '--out', 's.json', '--metric', 'tayler'],
        "neusemslice slice: unknown metric 'tayler'",
      ],
      [
        ['evaluate', '--model', 'm', '--colour'],
        "neusemslice evaluate: unknown option '--colour' (see 'neusemslice evaluate --help')",
      ],
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

describe('the command tree on commander', () => {
  /** Parses argv with the CLI's program and returns the options the command would get. */
  async function parsedOptions(argv: string[]) {
    let invocation: Parameters<Parameters<typeof buildProgram>[1]>[0] | undefined;
    const program = buildProgram(
      { out: () => undefined, err: () => undefined },
      (invoked) => (invocation = invoked),
    );
    await program.parseAsync(argv, { from: 'user' });
    if (!invocation) throw new Error(`no command ran for ${argv.join(' ')}`);
    return resolveOptionValues(invocation.command, invocation.commander, {
      plugins: [],
      defaults: {},
    });
  }

  it.each(commands.map((command) => command.name))(
    'hands every option of %s to the command, negative numbers included',
    async (name) => {
      const command = commands.find((candidate) => candidate.name === name) as Command;
      for (const value of ['some-value', '-1.5']) {
        const argv = name.split(' ');
        const expected: Record<string, string | boolean> = { json: true };
        for (const [option, spec] of Object.entries(command.options)) {
          argv.push(`--${option}`, ...(spec.type === 'string' ? [value] : []));
          expected[option] = spec.type === 'string' ? value : true;
        }
        expect(await parsedOptions([...argv, '--json'])).toEqual(expected);
      }
    },
  );

  it('fills options from the config defaults, below the command line and above built-in defaults', async () => {
    let invocation: Parameters<Parameters<typeof buildProgram>[1]>[0] | undefined;
    const program = buildProgram(
      { out: () => undefined, err: () => undefined },
      (invoked) => (invocation = invoked),
    );
    await program.parseAsync(['slice', '--model', 'm', '--out', 'cli.json'], { from: 'user' });
    const options = resolveOptionValues(invocation!.command, invocation!.commander, {
      file: 'neusemslice.config.json',
      plugins: [],
      defaults: { slice: { out: 'config.json', 'per-class': 50, uncentered: true } },
    });
    expect(options).toMatchObject({
      out: 'cli.json',
      'per-class': '50',
      uncentered: true,
      metric: 'taylor',
    });
  });

  it('prints its version, also as JSON', async () => {
    const { code, stdout } = await run(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const asJson = await run(['--version', '--json']);
    expect(JSON.parse(asJson.stdout)).toEqual({ version: stdout.trim() });
  });

  it('answers a bare group or no command with its help and exit code 2, as JSON too', async () => {
    const bare = await run(['study']);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Usage: neusemslice study');
    expect(bare.stderr.trim()).toBe(
      "neusemslice study: 'study' needs a subcommand (see 'neusemslice study --help')",
    );
    for (const argv of [['study', '--json'], ['--json'], ['trian', '--json']]) {
      const { code, stdout } = await run(argv);
      expect(code).toBe(2);
      expect(JSON.parse(stdout)).toEqual({
        command: argv[0] === 'study' ? 'study' : null,
        error: { kind: 'usage', message: expect.any(String) },
      });
    }
  });

  it('lists the study subcommands on study --help', async () => {
    const { code, stdout } = await run(['study', '--help']);
    expect(code).toBe(0);
    for (const command of commands.filter((candidate) => candidate.name.startsWith('study ')))
      expect(stdout).toContain(`  ${command.name.slice('study '.length)} [options]`);
  });
});
