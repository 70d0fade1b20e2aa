// Test fixtures of this package (import from '@neusemslice/models/testing').
export * from './synthetic-dataset';
