import { escapeInlineScript, vendoredScripts } from './vendored-scripts';

describe('vendoredScripts', () => {
  it('reads the three browser builds with their BSD-3-Clause licence texts', () => {
    const scripts = vendoredScripts();
    expect(scripts.map((script) => script.name)).toEqual(['vega', 'vega-lite', 'vega-embed']);
    for (const script of scripts) {
      expect(script.license).toBe('BSD-3-Clause');
      expect(script.licenseText).toMatch(/Redistribution and use in source and binary forms/);
      expect(script.source.length).toBeGreaterThan(10_000);
    }
  });
});

describe('escapeInlineScript', () => {
  it('leaves no sequence that would end or escape an inline script', () => {
    const source = 'var a = "</script>"; var b = "<!--x"; var c = /<\\/SCRIPT/;';
    const escaped = escapeInlineScript(source);
    expect(escaped).not.toMatch(/<\/script/i);
    expect(escaped).not.toContain('<!--');
    // The escaped text means the same to JavaScript.
    const evaluate = (code: string) =>
      new Function(`${code}; return [a, b, c.source];`)() as string[];
    expect(evaluate(escaped)).toEqual(evaluate(source));
  });
});
