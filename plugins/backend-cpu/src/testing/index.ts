export * from './backend-contract';
export * from './test-container';
