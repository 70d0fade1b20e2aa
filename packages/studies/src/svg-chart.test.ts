import { parseWellFormedXml } from './__fixtures__/xml-check';
import { autoUnitRange, renderVegaLiteSvg, VEGA_LITE_SCHEMA, withDescription } from './svg-chart';

describe('renderVegaLiteSvg', () => {
  it('renders a layered spec with a band to well-formed SVG', () => {
    const svg = renderVegaLiteSvg({
      $schema: VEGA_LITE_SCHEMA,
      title: 'band & line <test>',
      data: {
        values: [
          { x: 0, y: 0.9, lo: 0.8, hi: 0.95 },
          { x: 0.5, y: 0.7, lo: 0.6, hi: 0.75 },
        ],
      },
      layer: [
        {
          mark: 'area',
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'lo', type: 'quantitative' },
            y2: { field: 'hi' },
          },
        },
        {
          mark: 'line',
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
          },
        },
      ],
    });
    const elements = parseWellFormedXml(svg);
    expect(elements[0].name).toBe('svg');
    expect(svg).toContain('band &amp; line &lt;test&gt;');
  });

  it('throws with the reason when the spec is not valid', () => {
    expect(() =>
      renderVegaLiteSvg({ $schema: VEGA_LITE_SCHEMA, data: { values: [] }, mark: 'no-such-mark' }),
    ).toThrow(/^rendering a Vega-Lite figure failed: \S/);
  });
});

describe('withDescription', () => {
  it('puts the escaped text first inside the svg root', () => {
    const svg = withDescription(
      '<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>',
      'command: study --a <b> & c -- d',
    );
    expect(svg).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg"><desc>command: study --a &lt;b&gt; &amp; c -- d</desc><g/></svg>',
    );
    expect(parseWellFormedXml(svg).map((element) => element.name)).toEqual(['svg', 'desc', 'g']);
  });
});

describe('autoUnitRange', () => {
  it('starts just below the lowest value, on a 5-point step, and ends at 1', () => {
    expect(autoUnitRange([0.93, 0.97])).toEqual([0.9, 1]);
    expect(autoUnitRange([0.31])).toEqual([0.25, 1]);
    expect(autoUnitRange([])).toEqual([0, 1]);
  });
});
