/** One prunable weight tensor (a dense or conv kernel; biases are never pruned) and its mask. */
export interface PrunableWeight {
  /** Stable weight name, `<layer>/kernel` (the LayerVariable's `originalName`), e.g. `fc1/kernel`. */
  readonly name: string;
  /** Kind of the layer that holds the kernel: pruners with per-layer rules (Uniform+) read it. */
  readonly layerKind: 'dense' | 'conv2d';
  readonly values: Float32Array;
  /** The kernel's shape: [in, out] for dense, [kh, kw, in, out] for conv. */
  readonly shape: readonly number[];
  /**
   * 1 = alive, 0 = already dead (pruned before, or cut with a neuron the slice dropped); same
   * length as `values`. Dead weights count towards the sparsity and stay dead.
   */
  readonly aliveMask: Uint8Array;
}

/** What a pruner is asked to do: which weights, how sparse, and its own options. */
export interface PruneRequest {
  /** Every prunable weight of the model, input side first (the last one is the output layer's). */
  readonly weights: readonly PrunableWeight[];
  /**
   * The share of *all* prunable weights (sum of every `values.length`) that must be dead after
   * pruning, already-dead ones included, in [0, 1]. Reached to within one weight.
   */
  readonly targetSparsity: number;
  /** The pruner's own options (e.g. Uniform+'s `lastLayerMaxSparsity`), checked on entry. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * A weight pruner (LAMP, global magnitude, Uniform+, ERK; Lee et al. 2020): decides how many
 * weights each layer keeps and which, by magnitude. It never changes the weights themselves.
 */
export interface Pruner {
  /** Name users pick it by, e.g. `lamp`. */
  readonly name: string;
  readonly description: string;
  /**
   * Returns the new alive mask of every weight, keyed by `PrunableWeight.name`. A weight dead in
   * the request stays dead; the masks' dead count equals round(targetSparsity · total) when the
   * already-dead weights do not exceed it (then no live weight is pruned).
   */
  prune(request: PruneRequest): Record<string, Uint8Array>;
}
