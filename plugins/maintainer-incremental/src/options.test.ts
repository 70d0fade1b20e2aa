import { isUsageError } from '@neusemslice/core';
import {
  checkDisjointTasks,
  defaultTaskSplit,
  parseClassList,
  parseIncrementalOptions,
} from './options';

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isUsageError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('task splits', () => {
  it('never share a class and cover every class by default', () => {
    for (const numClasses of [2, 3, 10, 100]) {
      const { taskA, taskB } = defaultTaskSplit(numClasses);
      expect(taskA.filter((label) => taskB.includes(label))).toEqual([]);
      expect([...taskA, ...taskB].sort((a, b) => a - b)).toEqual(
        Array.from({ length: numClasses }, (_, label) => label),
      );
    }
  });

  it('refuses overlapping task splits naming the shared classes', () => {
    expect(usageMessage(() => checkDisjointTasks([0, 1, 2], [2, 3]))).toContain('2');
    expect(
      usageMessage(() => parseIncrementalOptions({ taskA: [0, 1], taskB: [1, 2] }, 10)),
    ).toContain('share a class');
  });

  it('accepts any two disjoint class sets', () => {
    const options = parseIncrementalOptions({ taskA: [9, 1], taskB: [4] }, 10);
    expect(options.taskA).toEqual([1, 9]);
    expect(options.taskB).toEqual([4]);
  });
});

describe('parseIncrementalOptions', () => {
  it('names unknown options, bad strategies and out-of-range values', () => {
    expect(usageMessage(() => parseIncrementalOptions({ lambda: 1 }, 10))).toContain("'lambda'");
    expect(usageMessage(() => parseIncrementalOptions({ strategy: 'lwf' }, 10))).toContain('lwf');
    expect(usageMessage(() => parseIncrementalOptions({ replay: 1.5 }, 10))).toContain('1.5');
    expect(usageMessage(() => parseIncrementalOptions({ taskA: [10] }, 10))).toContain('10');
  });

  it('defaults replay to 10% for neusemslice+replay', () => {
    expect(parseIncrementalOptions({ strategy: 'neusemslice+replay' }, 10).replay).toBe(0.1);
  });
});

describe('parseClassList', () => {
  it('reads ranges and comma lists', () => {
    expect(parseClassList('0-4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseClassList('5,7, 9')).toEqual([5, 7, 9]);
    expect(parseClassList('0-1,8')).toEqual([0, 1, 8]);
  });

  it('refuses anything else', () => {
    expect(usageMessage(() => parseClassList('a-b'))).toContain('a-b');
    expect(usageMessage(() => parseClassList('4-0'))).toContain('backwards');
  });
});
