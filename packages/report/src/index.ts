// A self-contained HTML report of a slice (Vega-Lite charts, scripts inline), and its parts.
export * from './build-slice-report';
export * from './report-options';
export * from './slice-composition';
export * from './slice-diff';
export * from './sweep-accuracy';
export * from './class-accuracy';
export * from './chart-specs';
export * from './html-page';
export * from './vendored-scripts';
