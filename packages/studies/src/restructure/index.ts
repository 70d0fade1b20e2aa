// The restructuring study of paper §5.3 (RQ2, Table 4).
export * from './restructure-study';
export * from './restructure-report';
export * from './paper-table4';
