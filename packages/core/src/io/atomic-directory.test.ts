import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isUsageError } from '../errors';
import { recoverDirectoryReplacement, replaceDirectoryAtomic } from './atomic-directory';
import { acquireOutputLock, isOutputLockedByOther, outputLockPath } from './output-lock';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-dir-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const contentOf = (directory: string) => fs.readFileSync(path.join(directory, 'file'), 'utf8');

describe('replaceDirectoryAtomic', () => {
  it('replaces the whole directory, and leaves it untouched when filling fails', async () => {
    const target = path.join(root, 'out');
    await replaceDirectoryAtomic(target, (temporary) => {
      fs.writeFileSync(path.join(temporary, 'file'), 'one');
      fs.writeFileSync(path.join(temporary, 'extra'), 'x');
    });
    await replaceDirectoryAtomic(target, (temporary) =>
      fs.writeFileSync(path.join(temporary, 'file'), 'two'),
    );
    expect(fs.readdirSync(target)).toEqual(['file']);
    await expect(
      replaceDirectoryAtomic(target, () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(contentOf(target)).toBe('two');
    expect(fs.readdirSync(root)).toEqual(['out']);
  });

  it.each([
    ['only the complete new content (crash between the two renames)', ['new'], 'new'],
    ['the old content renamed aside and the new one complete', ['old', 'new'], 'new'],
    ['the old content aside and an unfinished new one', ['old', 'tmp'], 'old'],
  ])('recovers a target missing with %s', (_case, stages, expected) => {
    const target = path.join(root, 'out');
    for (const stage of stages) {
      const sibling = path.join(root, `.out.${stage}-1-2-3`);
      fs.mkdirSync(sibling);
      fs.writeFileSync(path.join(sibling, 'file'), stage);
    }
    recoverDirectoryReplacement(target);
    expect(contentOf(target)).toBe(expected);
    expect(fs.readdirSync(root)).toEqual(['out']);
  });
});

describe('acquireOutputLock', () => {
  it('is exclusive between processes, re-entrant within one, and takes over stale locks', () => {
    const target = path.join(root, 'out');
    fs.writeFileSync(outputLockPath(target), `${process.ppid}\n`);
    expect(isOutputLockedByOther(target)).toBe(true);
    let caught: unknown;
    try {
      acquireOutputLock(target);
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
    expect((caught as Error).message).toContain(`being written by process ${process.ppid}`);

    fs.writeFileSync(outputLockPath(target), ''); // a writer that died while creating it
    const lock = acquireOutputLock(target);
    const inner = acquireOutputLock(target);
    inner.release();
    expect(fs.readFileSync(lock.lockPath, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(lock.lockPath)).toBe(false);
  });
});
