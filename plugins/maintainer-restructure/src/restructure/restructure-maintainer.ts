import {
  checkInteger,
  evaluateAccuracy,
  type MaintenanceReport,
  type MaintenanceRequest,
  type Maintainer,
  masksFromNeuronSets,
  neuronMeanOutputs,
  NeuronModel,
  UsageError,
} from '@neusemslice/core';
import { measureModelSize } from './model-size';
import { checkSliceFitsModel, restructureFromSlice } from './restructure-model';

/** Options of the `restructure` maintainer (all optional). */
export interface RestructureOptions {
  /**
   * Accept a slice made for other weights of the same architecture (e.g. sliced before a
   * fine-tuning). Default false: the slice must match the weights exactly.
   */
  allowWeightChange?: boolean;
  /** Samples per batch when the masked and restructured models are evaluated; default 256. */
  batchSize?: number;
  /**
   * What the removed neurons leave behind: `zero` (default, the paper's masking) or `mean`, each
   * removed neuron's mean output over `trainData` (the slicing data) folded into the next
   * layer's bias, so the new model equals the mean-replaced masked one (docs/results/rq1-options.md).
   */
  fill?: RestructureFill;
}

/** What a removed neuron outputs in the restructured model. */
export type RestructureFill = 'zero' | 'mean';

const FILLS: readonly RestructureFill[] = ['zero', 'mean'];

const OPTION_NAMES: readonly (keyof RestructureOptions)[] = [
  'allowWeightChange',
  'batchSize',
  'fill',
];

/** Checks the maintainer's options; every error names the option, its value and what is allowed. */
export function checkRestructureOptions(
  options: Record<string, unknown>,
): Required<RestructureOptions> {
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new UsageError(
        `restructure: unknown option '${key}' (expected ${OPTION_NAMES.join(', ')})`,
      );
    }
  }
  const allowWeightChange = options.allowWeightChange ?? false;
  if (typeof allowWeightChange !== 'boolean') {
    throw new UsageError(
      `restructure: allowWeightChange must be true or false, got ${JSON.stringify(allowWeightChange)}`,
    );
  }
  const batchSize = checkInteger('restructure: batchSize', options.batchSize ?? 256, 1);
  const fill = options.fill ?? 'zero';
  if (!FILLS.includes(fill as RestructureFill)) {
    throw new UsageError(
      `restructure: fill must be ${FILLS.map((name) => `'${name}'`).join(' or ')}, got ${JSON.stringify(fill)}`,
    );
  }
  return { allowWeightChange, batchSize, fill: fill as RestructureFill };
}

/**
 * The `restructure` maintenance task (SPEC §4.1 b, paper RQ2): a new, physically smaller tfjs
 * model holding only the slice's critical neurons. The report's `model` is the new model (the
 * caller's to dispose); `request.model` is only read. Figures: parametersBefore/After,
 * compressionRate, weightsBytesBefore/After, gzipBytesBefore/After and, with test data,
 * testAccuracyMasked (the original with the slice's masks, mean-filled with `fill: 'mean'`) and
 * testAccuracy (the new model).
 */
export class RestructureMaintainer implements Maintainer {
  readonly name = 'restructure';
  readonly description =
    'Rebuilds the model with only the critical neurons (dense units, conv filters, batch-norm channels cut); reports parameters, bytes and accuracy before and after';

  async maintain(request: MaintenanceRequest): Promise<MaintenanceReport> {
    const options = checkRestructureOptions(request.options);
    const original = request.model;
    // The slice is checked before the pass over the data that the means need.
    checkSliceFitsModel(original, request.slice, options);
    const means =
      options.fill === 'mean'
        ? await neuronMeanOutputs(original, request.trainData, {
            batchSize: options.batchSize,
            onProgress: request.onProgress,
          })
        : undefined;
    const restructured = restructureFromSlice(original, request.slice, {
      allowWeightChange: options.allowWeightChange,
      means,
    });
    try {
      const before = measureModelSize(original.model);
      const after = measureModelSize(restructured);
      const figures: Record<string, number> = {
        parametersBefore: before.parameters,
        parametersAfter: after.parameters,
        compressionRate: before.parameters > 0 ? 1 - after.parameters / before.parameters : 0,
        weightsBytesBefore: before.weightsBytes,
        weightsBytesAfter: after.weightsBytes,
        gzipBytesBefore: before.gzipBytes,
        gzipBytesAfter: after.gzipBytes,
      };
      if (request.testData) {
        const masked = await evaluateAccuracy(original, request.testData, {
          masks: masksFromNeuronSets(original, request.slice.critical),
          maskFill: means,
          batchSize: options.batchSize,
          onProgress: request.onProgress,
        });
        const rebuilt = await evaluateAccuracy(new NeuronModel(restructured), request.testData, {
          batchSize: options.batchSize,
          onProgress: request.onProgress,
        });
        figures.testAccuracyMasked = masked.accuracy;
        figures.testAccuracy = rebuilt.accuracy;
      }
      return {
        figures,
        model: restructured,
        details: {
          neuronsKept: Object.fromEntries(
            original.neuronLayers.map((layer) => [
              layer.name,
              { kept: request.slice.critical[layer.name]?.length ?? 0, units: layer.units },
            ]),
          ),
        },
      };
    } catch (error) {
      restructured.dispose();
      throw error;
    }
  }
}
