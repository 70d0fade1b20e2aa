// RQ1 (issue 12): the random-slice baseline, mean replacement and the option study.
export * from './masked-evaluation';
export * from './random-baseline';
export * from './variants';
export * from './options-study';
export * from './options-report';
export * from './options-figure';
export * from './options-csv';
export * from './default-choice';
