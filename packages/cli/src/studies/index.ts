// The masking study of paper §3.1 and §5.2 (RQ1) and its building blocks.
export * from './masking-study';
export * from './pilot';
export * from './pilot-report';
export * from './curves';
export * from './curve-report';
export * from './interpolation';
export * from './summary-report';
export * from './svg-chart';
export * from './provenance';
export * from './csv';
