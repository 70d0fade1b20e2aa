import { median, type SpeedRow, speedMarkdown } from './speed-vs-pytorch';

const SETTINGS = { repeats: 3, quick: false, seed: 1, batchSize: 128 };

function markdownOf(rows: SpeedRow[], torchNote = '') {
  return speedMarkdown(rows, {
    commandLine: 'neusemslice bench',
    backend: 'wasm',
    settings: SETTINGS,
    torchVersion: torchNote ? '' : '1.13.1',
    torchNote,
    rssNote: '',
    loadAverages: [
      [0.5, 0.4, 0.3],
      [0.6, 0.5, 0.4],
    ],
    startedAt: new Date(0),
  });
}

describe('the speed bench report', () => {
  it('takes the median of odd and even counts of runs', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('names every missed target plainly, and the load at the start and end', () => {
    const markdown = markdownOf([
      {
        work: 'LeNet-5 training',
        unit: 'samples/s',
        ours: [2700, 2800, 2600],
        theirs: [11000, 11200, 10900],
        ratioLabel: 'ours / PyTorch',
        ratio: 2700 / 11000,
        target: '≥ 0.6×',
        met: false,
      },
      {
        work: 'MLP training',
        unit: 'samples/s',
        ours: [7000, 7100, 6900],
        theirs: [6800, 6700, 6900],
        ratioLabel: 'ours / PyTorch',
        ratio: 7000 / 6800,
        target: '≥ 1.0×',
        met: true,
      },
    ]);
    expect(markdown).toContain('| LeNet-5 training | samples/s | 2700 [2700, 2800, 2600] |');
    expect(markdown).toContain('| **no** |');
    expect(markdown).toContain('Targets missed in this run: LeNet-5 training.');
    expect(markdown).toContain('0.50 / 0.40 / 0.30 at the start, 0.60 / 0.50 / 0.40 at the end');
  });

  it('says when PyTorch was not measured, and still reports our side', () => {
    const markdown = markdownOf(
      [
        {
          work: 'MLP training',
          unit: 'samples/s',
          ours: [7000],
          theirs: [],
          ratioLabel: 'ours / PyTorch',
          ratio: NaN,
          target: '≥ 1.0×',
        },
      ],
      'python3-torch is not installed',
    );
    expect(markdown).toContain('| MLP training | samples/s | 7000 [7000] | n/a | n/a |');
    expect(markdown).toContain('PyTorch: not measured (python3-torch is not installed)');
  });
});
