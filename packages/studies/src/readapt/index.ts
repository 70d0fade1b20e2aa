// The re-adaptation study of paper §5.4 (RQ3, Table 5).
export * from './readapt-study';
export * from './readapt-report';
export * from './paper-table5';
