import { PassThrough } from 'node:stream';
import type { ProgressEvent } from '@neusemslice/core';
import {
  beginProgressView,
  createBarView,
  createLineView,
  throttledProgress,
} from './progress-printer';

const event = (task: string, done: number, total: number): ProgressEvent => ({ task, done, total });

describe('plain progress lines', () => {
  it('ends every task it showed at 100%, also one that stopped early', () => {
    const lines: string[] = [];
    const view = beginProgressView(createLineView((line) => lines.push(line)));
    // An interval of 0 shows every event; the tasks are told apart by name.
    const listener = throttledProgress(() => undefined, 0);
    listener(event('load', 0, 2));
    listener(event('load', 2, 2));
    listener(event('prune lamp', 1, 10));
    listener(event('prune lamp', 3, 10));
    view.end();
    expect(lines).toEqual([
      'load: 0/2 (0%)',
      'load: 2/2 (100%)',
      'prune lamp: 1/10 (10%)',
      'prune lamp: 3/10 (30%)',
      'prune lamp: 10/10 (100%) (stopped early at 3/10)',
    ]);
  });

  it('closes a task that starts over where it stopped', () => {
    const lines: string[] = [];
    const view = beginProgressView(createLineView((line) => lines.push(line)));
    const listener = throttledProgress(() => undefined, 0);
    listener(event('prune global', 2, 5));
    listener(event('prune global', 1, 5));
    listener(event('prune global', 5, 5));
    view.end();
    expect(lines).toEqual([
      'prune global: 2/5 (40%)',
      'prune global: 5/5 (100%) (stopped early at 2/5)',
      'prune global: 1/5 (20%)',
      'prune global: 5/5 (100%)',
    ]);
  });

  it('keeps short tasks quiet and prints on the given log outside a CLI run', () => {
    const lines: string[] = [];
    const listener = throttledProgress((line) => lines.push(line), 60_000);
    listener(event('score avg', 1, 3));
    listener(event('score avg', 3, 3));
    listener(event('score var', 1, 3));
    listener(event('score var', 3, 3));
    // The first line of the run shows life; the rest are within the interval and short.
    expect(lines).toEqual(['score avg: 1/3 (33%)', 'score avg: 3/3 (100%)']);
  });
});

describe('progress bars on a terminal', () => {
  it('draws a bar with ETA and brings an early-stopped task to 100%', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let drawn = '';
    terminal.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const view = beginProgressView(createBarView(terminal, 0));
    const listener = throttledProgress(() => undefined);
    listener(event('prune lamp', 1, 10));
    // Bars are redrawn on a timer (5 per second); let it draw once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    view.log('a note between the bars');
    listener(event('prune lamp', 3, 10));
    view.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drawn).toMatch(/10% 1\/10 ETA \S+ s prune lamp/);
    expect(drawn).toContain('a note between the bars');
    expect(drawn).toContain('prune lamp: 10/10 (100%) (stopped early at 3/10)');
  });
});
