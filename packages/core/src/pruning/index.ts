// Shared mechanics of weight pruners: request checks, counts, lowest-score selection.
export * from './check-prune-request';
export * from './keep-top-scores';
export * from './apportion-counts';
