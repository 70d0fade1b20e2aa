import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { studyReportHeader } from './report-header';

describe('studyReportHeader', () => {
  it('names the three files and states command, seeds, backend, machine and date', () => {
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'report-header-')), 'out');
    const input = {
      outDir,
      settings: [],
      seeds: [1, 2],
      command: 'neusemslice study x',
      startedAt: new Date('2026-01-02T03:04:05.000Z'),
      elapsedSeconds: 1,
    };
    const header = studyReportHeader(input, 'x-table');
    expect(fs.existsSync(outDir)).toBe(true);
    expect(header.files.runsCsv).toBe(path.join(outDir, 'x-table-runs.csv'));
    expect(header.machine).toMatch(/ cores, \d+ GiB, /);
    expect(header.provenance).toBe(
      `command: neusemslice study x | seeds: 1, 2 | backend: not given | machine: ${header.machine} | date: 2026-01-02T03:04:05.000Z`,
    );
    const compact = studyReportHeader(input, 'x-table', { memory: false, seedSeparator: ',' });
    expect(compact.machine).not.toMatch(/GiB/);
    expect(compact.provenance).toContain('seeds: 1,2 |');
    fs.rmSync(path.dirname(outDir), { recursive: true, force: true });
  });
});
