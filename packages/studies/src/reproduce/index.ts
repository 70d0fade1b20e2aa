// One call that reproduces the paper's evaluation (RQ1–RQ4), resumable, with one report.
export * from './run-reproduction';
export * from './reproduction-budget';
export * from './reproduction-settings';
export * from './reproduction-report';
export * from './rq1-summary';
