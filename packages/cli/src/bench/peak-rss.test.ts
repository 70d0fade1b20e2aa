import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandPeakRss, PEAK_RSS_METHODS } from './peak-rss';
import { speedMarkdown } from './speed-vs-pytorch';

const PRELOAD = path.join(__dirname, '..', '..', 'bench', 'max-rss.cjs');
const MIB = 2 ** 20;

describe('the peak RSS of a CLI run in a child process', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'peak-rss-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A stand-in for the bin: allocates and touches `mebibytes`, then lets go of it. */
  function fakeBin(name: string, body: string): string {
    const file = path.join(root, `${name}.js`);
    fs.writeFileSync(file, body);
    return file;
  }

  (process.platform === 'linux' ? it : it.skip)(
    'reports the child’s own peak, not the larger parent’s that forked it',
    () => {
      // The parent holds (and has touched) far more than the idle child will ever use.
      const parentBallast = Buffer.alloc(192 * MIB, 1);
      expect(process.memoryUsage().rss).toBeGreaterThan(192 * MIB);
      const idle = commandPeakRss(['idle'], root, {
        bin: fakeBin('idle', 'process.exitCode = 0;'),
        preload: PRELOAD,
      });
      const busy = commandPeakRss(['busy'], root, {
        bin: fakeBin('busy', `let b = Buffer.alloc(${128 * MIB}, 1); b = null;`),
        preload: PRELOAD,
      });
      expect(parentBallast[parentBallast.length - 1]).toBe(1);
      if ('unavailable' in idle || 'unavailable' in busy) throw new Error('not measured');
      expect(idle.method).toBe('VmHWM');
      // An empty Node process is ~40 MiB; the parent's 192+ MiB must not show through.
      expect(idle.mebibytes).toBeLessThan(128);
      // A peak that was freed before exit still counts.
      expect(busy.mebibytes).toBeGreaterThan(128);
      expect(busy.mebibytes).toBeLessThan(idle.mebibytes + 128 + 64);
    },
  );

  it('says why when the run fails or the CLI is not built', () => {
    const failing = commandPeakRss(['slice'], root, {
      bin: fakeBin('failing', 'console.error("no model"); process.exitCode = 3;'),
      preload: PRELOAD,
    });
    expect(failing).toEqual({ unavailable: 'slice exited with 3: no model' });
    expect(
      commandPeakRss(['slice'], root, { bin: path.join(root, 'missing.js'), preload: PRELOAD }),
    ).toEqual({ unavailable: 'run from the built CLI (pnpm bench) to spawn it' });
  });

  it('is named in the speed report, or why it is missing', () => {
    const report = (rssNote: string) =>
      speedMarkdown([], {
        commandLine: 'neusemslice bench',
        backend: 'wasm',
        settings: { repeats: 1, quick: false, seed: 1, batchSize: 128 },
        torchVersion: '1.13.1',
        torchNote: '',
        rssNote,
        rssMethod: PEAK_RSS_METHODS.VmHWM,
        loadAverages: [[0], [0]],
        startedAt: new Date(0),
      });
    expect(report('')).toContain(`the peak is ${PEAK_RSS_METHODS.VmHWM}`);
    expect(report('slice exited with 2: no model')).toContain(
      'Peak RSS: not measured (slice exited with 2: no model).',
    );
    expect(report('slice exited with 2: no model')).not.toContain('VmHWM');
  });
});
