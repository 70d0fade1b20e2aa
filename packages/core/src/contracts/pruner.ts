/** One prunable weight tensor (a dense or conv kernel) and the mask of weights still alive. */
export interface PrunableWeight {
  /** Layer name and weight name, e.g. `dense_1/kernel`. */
  readonly name: string;
  readonly values: Float32Array;
  readonly shape: readonly number[];
  /** 1 = alive, 0 = pruned; same length as values. */
  readonly aliveMask: Uint8Array;
  /** True for the first conv layer and the last layer, which some pruners treat specially. */
  readonly isFirstConv: boolean;
  readonly isLast: boolean;
}

/**
 * A weight pruner (LAMP, global magnitude, uniform+, ERK): given the weights and a target share
 * of weights to remove, returns the new alive mask of every weight tensor.
 */
export interface Pruner {
  readonly name: string;
  readonly description: string;
  prune(weights: readonly PrunableWeight[], targetSparsity: number): Uint8Array[];
}
