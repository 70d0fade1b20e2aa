import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkOutputPath } from './output-path';

// accessSync is wrapped so one test can simulate a directory this process may not write to.
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...actual, accessSync: jest.fn(actual.accessSync) };
});

describe('checkOutputPath', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'out-check-'));
  const modelDir = path.join(root, 'model');
  fs.mkdirSync(modelDir);
  fs.writeFileSync(path.join(modelDir, 'model.json'), '{}');
  const sliceFile = path.join(root, 'slice.json');
  fs.writeFileSync(sliceFile, '{}');

  it('refuses to write over or into an input', () => {
    expect(() =>
      checkOutputPath(path.join(modelDir, 'model.json'), {
        optionName: 'out',
        kind: 'file',
        inputs: [modelDir],
        force: true,
      }),
    ).toThrow(/would overwrite the input/);
    expect(() =>
      checkOutputPath(sliceFile, { optionName: 'out', kind: 'file', inputs: [sliceFile] }),
    ).toThrow(/would overwrite the input/);
  });

  it('needs --force for an existing output and the right kind', () => {
    expect(() => checkOutputPath(sliceFile, { optionName: 'out', kind: 'file' })).toThrow(
      'already exists; pass --force to replace it',
    );
    expect(checkOutputPath(sliceFile, { optionName: 'out', kind: 'file', force: true })).toBe(
      sliceFile,
    );
    expect(() =>
      checkOutputPath(sliceFile, { optionName: 'out', kind: 'directory', force: true }),
    ).toThrow('is a file; expected a directory');
    expect(() =>
      checkOutputPath(modelDir, { optionName: 'out', kind: 'file', force: true }),
    ).toThrow('is a directory; expected a file path');
  });

  it('accepts a new path under a writable directory and refuses one under a file', () => {
    expect(
      checkOutputPath(path.join(root, 'new', 'deep'), { optionName: 'out', kind: 'directory' }),
    ).toBe(path.join(root, 'new', 'deep'));
    expect(() =>
      checkOutputPath(path.join(sliceFile, 'x'), { optionName: 'out', kind: 'directory' }),
    ).toThrow(/is not a directory/);
  });

  it('refuses an output under a directory it cannot write to', () => {
    // Root passes every permission check, so the file system's refusal is simulated.
    const access = fs.accessSync as jest.MockedFunction<typeof fs.accessSync>;
    access.mockImplementationOnce(() => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    expect(() =>
      checkOutputPath(path.join(root, 'locked', 'model'), { optionName: 'out', kind: 'directory' }),
    ).toThrow(`--out ${path.join(root, 'locked', 'model')}: directory ${root} is not writable`);
    expect(access).toHaveBeenCalledWith(root, fs.constants.W_OK);
  });
});
