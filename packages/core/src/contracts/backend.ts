/**
 * A tfjs backend a user may have installed. The resolver (`resolveBackend`) asks every registered
 * backend whether it is installed and activates the one with the highest priority.
 */
export interface Backend {
  /** Name users pick it by: `tfjs-node-gpu`, `tfjs-node`, `wasm`, `cpu`. */
  readonly name: string;
  /** Higher wins when several are installed. */
  readonly priority: number;
  /** True when the packages this backend needs can be loaded here; must not throw. */
  isAvailable(): boolean;
  /** Loads, registers and selects the backend (`tf.setBackend` + `tf.ready`). */
  activate(): Promise<void>;
}
