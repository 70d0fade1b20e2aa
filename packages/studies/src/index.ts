// The masking study of paper §3.1 and §5.2 (RQ1) and its building blocks.
export * from './masking-study';
export * from './masking-setting-study';
export { maskingRunCounts, type MaskingRunCounts } from './masking-setting-report';
export * from './pilot';
export * from './pilot-report';
export * from './curves';
export * from './curve-report';
export * from './interpolation';
export * from './summary-report';
export * from './svg-chart';
export * from './provenance';
export * from './csv';
// RQ1 (issue 12): random-slice baseline, mean replacement, the option study.
export * from './rq1';
// The restructuring study (RQ2, Table 4).
export * from './restructure';
// The incremental-development study (RQ4, Table 6).
export * from './incremental';
// The re-adaptation study (RQ3, Table 5).
export * from './readapt';
// The whole evaluation in one resumable call (RQ1–RQ4), with one report.
export * from './reproduce';
// Shared by every study: the paper's settings, cached trained models, mean ± std tables.
export * from './shared/settings';
export * from './shared/trained-models';
export * from './shared/summary-stats';
export * from './shared/checkpoint-store';
