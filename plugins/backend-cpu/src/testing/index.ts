export * from './backend-contract';
