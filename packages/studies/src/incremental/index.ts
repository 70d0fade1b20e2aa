// The incremental-development study (RQ4, Table 6).
export * from './incremental-study';
export * from './incremental-report';
export * from './paper-table6';
