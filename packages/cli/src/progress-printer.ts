import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { formatProgress, type ProgressEvent, type ProgressListener } from '@neusemslice/core';

/**
 * How one CLI run shows progress: bars with ETA on a terminal, plain lines otherwise. At the end
 * of the run every task that was shown is brought to 100% (a task that stops early, such as
 * pruning that hits its accuracy floor, says where it stopped).
 */
export interface ProgressView {
  /** A listener for one command's progress; lines no more often than every `intervalMs`. */
  listener(intervalMs: number): ProgressListener;
  /** A note on stderr that does not garble the bars. */
  log(line: string): void;
  /** Finishes every open task and stops drawing. */
  end(): void;
}

/** The view of the run in progress, which `throttledProgress` hands out; none outside runCli. */
let activeView: ProgressView | undefined;

/** Makes `view` the one `throttledProgress` uses until `end` is called; returns it. */
export function beginProgressView(view: ProgressView): ProgressView {
  activeView = view;
  return {
    listener: (intervalMs) => view.listener(intervalMs),
    log: (line) => view.log(line),
    end: () => {
      if (activeView === view) activeView = undefined;
      view.end();
    },
  };
}

/** The last event of a task that has not reached its total, and when the task was first seen. */
interface OpenTask {
  last: ProgressEvent;
  startedAt: number;
  shown: boolean;
}

/** The line that closes a task which ended below its total. */
function stoppedEarlyLine(last: ProgressEvent): string {
  return `${formatProgress({ ...last, done: last.total, etaSeconds: undefined })} (stopped early at ${last.done}/${last.total})`;
}

/**
 * A progress listener that prints at most one line every `intervalMs`, whatever the task, and the
 * final line of a task when an earlier line of it was printed or it ran for at least the interval:
 * long runs show life and end at 100%, short nested steps (one category's features) stay quiet.
 * Inside a CLI run it is the run's view (bars on a terminal).
 */
export function throttledProgress(
  log: (line: string) => void,
  intervalMs = 2000,
): ProgressListener {
  return activeView ? activeView.listener(intervalMs) : plainLines(log, intervalMs).listener;
}

/** Plain progress lines, and a `finish` that completes the tasks it showed below 100%. */
function plainLines(
  log: (line: string) => void,
  intervalMs: number,
): { listener: ProgressListener; finish(): void } {
  const open = new Map<string, OpenTask>();
  let lastPrinted = 0;
  const listener = (event: ProgressEvent): void => {
    const now = Date.now();
    let task = open.get(event.task);
    // The same task starting over: the previous round ended where it stopped.
    if (task && event.done < task.last.done) {
      if (task.shown && task.last.done < task.last.total) log(stoppedEarlyLine(task.last));
      task = undefined;
    }
    if (!task) {
      task = { last: event, startedAt: now, shown: false };
      open.set(event.task, task);
    }
    task.last = event;
    const finished = event.done >= event.total;
    // A task that was shown always gets its 100% line; a short one is not shown at all.
    const due = finished
      ? task.shown || now - task.startedAt >= intervalMs
      : now - lastPrinted >= intervalMs;
    if (finished) open.delete(event.task);
    if (!due) return;
    lastPrinted = now;
    task.shown = true;
    log(formatProgress(event));
  };
  const finish = (): void => {
    for (const task of open.values()) if (task.shown) log(stoppedEarlyLine(task.last));
    open.clear();
  };
  return { listener, finish };
}

/** Plain lines on `log` (a file, a pipe, or stderr under --json when not a terminal). */
export function createLineView(log: (line: string) => void): ProgressView {
  const printers: { finish(): void }[] = [];
  return {
    listener(intervalMs) {
      const printer = plainLines(log, intervalMs);
      printers.push(printer);
      return printer.listener;
    },
    log,
    end() {
      for (const printer of printers) printer.finish();
    },
  };
}

function figuresText(event: ProgressEvent): string {
  return Object.entries(event.figures ?? {})
    .map(([key, value]) => `${key} ${Number.isInteger(value) ? value : value.toFixed(4)}`)
    .join(', ');
}

/** Seconds left: the event's own estimate, else from the task's rate so far. */
function etaText(event: ProgressEvent, startedAt: number): string {
  const elapsedSeconds = (Date.now() - startedAt) / 1000;
  const seconds =
    event.etaSeconds ??
    (event.done > 0 ? (elapsedSeconds * (event.total - event.done)) / event.done : undefined);
  return seconds === undefined || !Number.isFinite(seconds) ? '?' : `${Math.round(seconds)} s`;
}

interface BarTask {
  bar: SingleBar;
  last: ProgressEvent;
  startedAt: number;
  /** Whether the bar was on screen at least once. */
  shown: boolean;
}

/**
 * Bars with ETA (cli-progress) on a terminal `stream`: one bar per running task; a finished task's
 * bar makes way for its 100% line when it ran for at least the interval, and for nothing otherwise
 * (nested short steps).
 */
export function createBarView(stream: NodeJS.WritableStream, intervalMs = 2000): ProgressView {
  const multiBar = new MultiBar(
    {
      stream,
      // The bar first: a long task name is cut at the terminal's edge, not the bar.
      format: '{bar} {percentage}% {value}/{total} ETA {eta_text} {task} {figures}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 24,
      etaBuffer: 50,
      fps: 5,
      gracefulExit: true,
    },
    Presets.shades_classic,
  );
  const tasks = new Map<string, BarTask>();
  let renderedAt = 0;
  // Draws now: the redraw timer cannot fire while a synchronous tfjs loop holds the event loop.
  const render = (): void => {
    renderedAt = Date.now();
    if (!multiBar.isActive) return;
    multiBar.update();
    for (const task of tasks.values()) task.shown = true;
  };
  const finishBar = (task: BarTask, event: ProgressEvent, stoppedEarly: boolean): void => {
    const figures = stoppedEarly
      ? `stopped early at ${event.done}/${event.total}`
      : figuresText(event);
    task.bar.update(event.total, { task: event.task, figures, eta_text: '0 s' });
    task.bar.stop();
    multiBar.remove(task.bar);
    // A bar that was drawn, or ran long, leaves its 100% line above the live bars; short nested
    // steps leave no trace.
    if (task.shown || Date.now() - task.startedAt >= intervalMs) {
      const line = formatProgress({ ...event, done: event.total, etaSeconds: undefined });
      multiBar.log(
        `${line}${stoppedEarly ? ` (stopped early at ${event.done}/${event.total})` : ''}\n`,
      );
    }
  };
  const listener: ProgressListener = (event) => {
    let task = tasks.get(event.task);
    if (task && event.done < task.last.done) {
      finishBar(task, task.last, task.last.done < task.last.total);
      tasks.delete(event.task);
      task = undefined;
    }
    const total = Math.max(event.total, 1);
    if (!task) {
      const bar = multiBar.create(total, event.done, {
        task: event.task,
        figures: '',
        eta_text: '?',
      });
      task = { bar, last: event, startedAt: Date.now(), shown: false };
      tasks.set(event.task, task);
    }
    task.last = event;
    if (task.bar.getTotal() !== total) task.bar.setTotal(total);
    task.bar.update(event.done, {
      task: event.task,
      figures: figuresText(event),
      eta_text: etaText(event, task.startedAt),
    });
    if (event.done >= event.total) {
      finishBar(task, event, false);
      tasks.delete(event.task);
      // Clear the finished bar at once, so results printed next are not drawn over.
      render();
    } else if (Date.now() - renderedAt >= 200) {
      render();
    }
  };
  return {
    listener: () => listener,
    log: (line) => {
      // While bars are drawn, notes go above them through cli-progress, in order.
      if (multiBar.isActive) {
        multiBar.log(`${line}\n`);
        render();
      } else {
        stream.write(`${line}\n`);
      }
    },
    end() {
      for (const task of tasks.values()) finishBar(task, task.last, true);
      tasks.clear();
      // Draw once more, so notes logged since the last redraw are not lost.
      render();
      multiBar.stop();
    },
  };
}
