import { parseWellFormedXml } from './__fixtures__/xml-check';
import {
  autoUnitRange,
  type ChartPanel,
  escapeXml,
  niceStep,
  renderPanelChart,
  wrapText,
} from './svg-chart';

function panel(title: string, offset: number): ChartPanel {
  return {
    title,
    reference: { y: 0.97, name: 'no mask' },
    series: [
      {
        name: 'global',
        color: '#0072B2',
        marker: 'circle',
        points: [0.1, 0.4, 0.7].map((x) => ({ x, y: 0.9 - x / 2 + offset })),
      },
      {
        name: 'semantic <Θ>',
        color: '#009E73',
        marker: 'circle',
        line: true,
        points: [0.2, 0.5].map((x, i) => ({ x, y: 0.95 - x / 10, label: `.9${i}` })),
      },
      { name: 'DeepArc', color: '#D55E00', marker: 'star', points: [{ x: 0, y: 0.97 }] },
    ],
  };
}

describe('renderPanelChart', () => {
  const titles = ['avg', 'var & co', 'ens', 'taylor'];
  const svg = renderPanelChart(
    titles.map((title, index) => panel(title, index / 100)),
    {
      title: 'Masked accuracy vs compression rate: MLP "tiny"',
      description: 'command: neusemslice study masking --seed 1 --backend cpu',
      xLabel: 'compression rate',
      yLabel: 'test accuracy',
    },
  );
  const elements = parseWellFormedXml(svg);

  it('is well-formed XML with an svg root', () => {
    expect(elements[0].name).toBe('svg');
    expect(elements[0].attributes.xmlns).toBe('http://www.w3.org/2000/svg');
  });

  it('draws one panel per entry, titled and escaped', () => {
    const panels = elements.filter((element) => element.attributes.class === 'panel');
    expect(panels.map((element) => element.attributes['data-title'])).toEqual(
      titles.map(escapeXml),
    );
    expect(svg).toContain('>var &amp; co</text>');
  });

  it('lays panels out in rows of three by default', () => {
    const width = Number(elements[0].attributes.width);
    const height = Number(elements[0].attributes.height);
    expect(width).toBeLessThan(1100);
    expect(height).toBeGreaterThan(2 * 260);
  });

  it('draws a star for DeepArc, a polyline for line series and the legend once per series', () => {
    expect(elements.filter((element) => element.name === 'polygon')).toHaveLength(
      titles.length + 1,
    ); // one per panel and one in the legend
    expect(elements.filter((element) => element.name === 'polyline')).toHaveLength(titles.length);
    const legendTexts = svg.split('<g class="legend">')[1].split('</g>')[0];
    expect(legendTexts).toContain('semantic &lt;Θ&gt;');
    expect(legendTexts).toContain('no mask');
  });

  it('keeps the command in <desc>, where "--" is allowed', () => {
    expect(svg).toContain('<desc>command: neusemslice study masking --seed 1 --backend cpu</desc>');
  });
});

describe('axis helpers', () => {
  it('picks 1-2-2.5-5 tick steps', () => {
    expect(niceStep(1)).toBeCloseTo(0.2, 12);
    expect(niceStep(0.3)).toBeCloseTo(0.1, 12);
    expect(niceStep(0.12)).toBeCloseTo(0.025, 12);
  });

  it('auto range starts a little below the lowest value and ends at 1', () => {
    expect(autoUnitRange([0.93, 0.97, 0.99])).toEqual([0.9, 1]);
    expect(autoUnitRange([0.15, 0.9])).toEqual([0.1, 1]);
    expect(autoUnitRange([0.01])).toEqual([0, 1]);
    expect(autoUnitRange([])).toEqual([0, 1]);
  });
});

describe('narrow charts', () => {
  const subtitle =
    'global / category-wise: top k = 10% … 100% of each layer / category; semantic: Θ = 0.90 … 0.99; DeepArc ★: threshold 0.99';
  const svg = renderPanelChart([panel('taylor', 0)], {
    title: 'one panel',
    subtitle,
    xLabel: 'x',
    yLabel: 'y',
  });
  const elements = parseWellFormedXml(svg);
  const width = Number(elements[0].attributes.width);

  it('wraps the subtitle at separators instead of running off the page', () => {
    const lines = wrapText(subtitle, 80);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    expect(lines.join(' ')).toBe(subtitle);
  });

  it('starts every legend entry inside the page', () => {
    const legend = svg.split('<g class="legend">')[1].split('</g>')[0];
    const starts = [...legend.matchAll(/<text x="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(starts.length).toBe(4);
    expect(Math.max(...starts)).toBeLessThan(width - 60);
  });
});
