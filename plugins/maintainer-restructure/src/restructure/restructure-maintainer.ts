import {
  checkInteger,
  evaluateAccuracy,
  type MaintenanceReport,
  type MaintenanceRequest,
  type Maintainer,
  masksFromNeuronSets,
  NeuronModel,
  UsageError,
} from '@neusemslice/core';
import { measureModelSize } from './model-size';
import { restructureFromSlice } from './restructure-model';

/** Options of the `restructure` maintainer (all optional). */
export interface RestructureOptions {
  /**
   * Accept a slice made for other weights of the same architecture (e.g. sliced before a
   * fine-tuning). Default false: the slice must match the weights exactly.
   */
  allowWeightChange?: boolean;
  /** Samples per batch when the masked and restructured models are evaluated; default 256. */
  batchSize?: number;
}

const OPTION_NAMES: readonly (keyof RestructureOptions)[] = ['allowWeightChange', 'batchSize'];

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
  return { allowWeightChange, batchSize };
}

/**
 * The `restructure` maintenance task (SPEC §4.1 b, paper RQ2): a new, physically smaller tfjs
 * model holding only the slice's critical neurons. The report's `model` is the new model (the
 * caller's to dispose); `request.model` is only read. Figures: parametersBefore/After,
 * compressionRate, weightsBytesBefore/After, gzipBytesBefore/After and, with test data,
 * testAccuracyMasked (the original with the slice's masks) and testAccuracy (the new model).
 */
export class RestructureMaintainer implements Maintainer {
  readonly name = 'restructure';
  readonly description =
    'Rebuilds the model with only the critical neurons (dense units, conv filters, batch-norm channels cut); reports parameters, bytes and accuracy before and after';

  async maintain(request: MaintenanceRequest): Promise<MaintenanceReport> {
    const options = checkRestructureOptions(request.options);
    const original = request.model;
    const restructured = restructureFromSlice(original, request.slice, {
      allowWeightChange: options.allowWeightChange,
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
