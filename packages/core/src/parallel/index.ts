export * from './item-task';
export * from './model-artifacts';
export * from './packed-items';
export * from './plugin-modules';
export * from './run-in-parallel';
export * from './worker-count';
export * from './worker-pool';
