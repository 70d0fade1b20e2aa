import { container, type DependencyContainer } from 'tsyringe';

/**
 * A fresh child of tsyringe's root container, for one test: plugins register on it and nothing
 * leaks into other tests (the Reflect polyfill is loaded by the jest setup).
 */
export function createTestContainer(): DependencyContainer {
  return container.createChildContainer();
}
