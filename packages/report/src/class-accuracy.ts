import * as tf from '@tensorflow/tfjs';
import {
  componentLookup,
  evaluateAccuracy,
  listComponents,
  masksFromNeuronSets,
  NeuronModel,
  type LabeledDataset,
  type Slice,
} from '@neusemslice/core';
import type { DependencyContainer } from 'tsyringe';

/** The models whose per-class accuracy the report shows. */
export type EvaluatedModel = 'original' | 'masked' | 'restructured';

export interface ClassAccuracyRow {
  model: EvaluatedModel;
  category: number;
  className: string;
  /** Share of the class's test samples classified correctly (NaN when it has none). */
  accuracy: number;
}

export interface ClassAccuracyResult {
  rows: ClassAccuracyRow[];
  /** Overall test accuracy of each model evaluated. */
  overall: Partial<Record<EvaluatedModel, number>>;
  /** Why the restructured model is missing, when it is. */
  restructureNote?: string;
  /** Figures of the restructure maintainer (parameters, compression rate), when it ran. */
  restructureFigures?: Record<string, number>;
}

function toRows(
  model: EvaluatedModel,
  perClassAccuracy: number[],
  classNames?: readonly string[],
): ClassAccuracyRow[] {
  return perClassAccuracy.map((accuracy, category) => ({
    model,
    category,
    className: classNames?.[category] ?? String(category),
    accuracy,
  }));
}

/**
 * Per-class test accuracy of the original model, of the model with the slice's masks, and of the
 * restructured model when a `restructure` maintainer is registered in the container.
 */
export async function classAccuracies(args: {
  model: NeuronModel;
  slice: Slice;
  testData: LabeledDataset;
  container: DependencyContainer;
  batchSize: number;
}): Promise<ClassAccuracyResult> {
  const { model, slice, testData, batchSize } = args;
  const classNames = testData.classNames;
  const original = await evaluateAccuracy(model, testData, { batchSize });
  const masked = await evaluateAccuracy(model, testData, {
    masks: masksFromNeuronSets(model, slice.critical),
    batchSize,
  });
  const result: ClassAccuracyResult = {
    rows: [
      ...toRows('original', original.perClassAccuracy, classNames),
      ...toRows('masked', masked.perClassAccuracy, classNames),
    ],
    overall: { original: original.accuracy, masked: masked.accuracy },
  };
  const restructure = listComponents(args.container, 'maintainer').find(
    (maintainer) => maintainer.name === 'restructure',
  );
  if (!restructure) {
    result.restructureNote =
      "no 'restructure' maintainer is registered (install @neusemslice/maintainer-restructure): the restructured model is not shown";
    return result;
  }
  const report = await restructure.maintain({
    model,
    slice,
    // Restructuring trains nothing; the test data stands in for the training data.
    trainData: testData,
    options: { batchSize },
    components: componentLookup(args.container),
  });
  if (!report.model) {
    result.restructureNote = "the 'restructure' maintainer returned no model";
    return result;
  }
  const restructuredModel: tf.LayersModel = report.model;
  try {
    const restructured = await evaluateAccuracy(new NeuronModel(restructuredModel), testData, {
      batchSize,
    });
    result.rows.push(...toRows('restructured', restructured.perClassAccuracy, classNames));
    result.overall.restructured = restructured.accuracy;
    result.restructureFigures = { ...report.figures };
  } finally {
    restructuredModel.dispose();
  }
  return result;
}
