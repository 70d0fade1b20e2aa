import { run } from '../__fixtures__/cli-fixtures';

describe('slice --workers and bench options', () => {
  it.each([
    [
      ['slice', '--model', 'm', '--out', 's.json', '--workers', '0'],
      "neusemslice slice: --workers must be an integer in [1, 256], got '0'",
    ],
    [
      ['slice', '--model', 'm', '--out', 's.json', '--workers', '1.5'],
      "neusemslice slice: --workers must be an integer in [1, 256], got '1.5'",
    ],
    [
      ['bench', 'speedy'],
      "neusemslice bench: unknown benchmark 'speedy' (expected speed | profile | backends | slicing | inference)",
    ],
    [
      ['bench', '--repeats', '0'],
      "neusemslice bench: --repeats must be an integer in [1, 100], got '0'",
    ],
  ])('refuses %j before loading anything (exit code 2)', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
