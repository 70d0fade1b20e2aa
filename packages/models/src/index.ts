// The model zoo
export { MODEL_NAMES, MODEL_ZOO, createModel, isModelName } from './zoo/registry';
export type { CreateModelOptions, ModelName, ZooEntry } from './zoo/registry';
export type { ZooBuildOptions } from './zoo/model-options';
export { layerSeed } from './zoo/seeded-initializers';
// Training and evaluation
export { OPTIMIZER_NAMES, trainModel } from './training/train-model';
export type {
  EpochRecord,
  ExtraLoss,
  ExtraLossContext,
  OptimizerName,
  SavedTensor,
  TrainingCheckpoint,
  TrainOptions,
  TrainingHistory,
} from './training/train-model';
export { evaluateModel } from './training/evaluate-model';
export type { EvaluateOptions, EvaluationReport } from './training/evaluate-model';
export { epochOrder } from './training/shuffle';
// Saving and loading
export { MODEL_JSON_FILE, WEIGHTS_FILE, directoryIOHandler } from './io/directory-io-handler';
export { METADATA_FILE, readModelMetadata, writeModelMetadata } from './io/model-metadata';
export type { ModelMetadata } from './io/model-metadata';
export { isModelDir, loadModelFromDir, saveModelToDir } from './io/model-dir';
// Description
export { describeModel } from './describe-model';
export type { LayerDescription, ModelDescription } from './describe-model';
export {
  hasTrainingCheckpoint,
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
} from './io/training-checkpoint';
