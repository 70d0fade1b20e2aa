import type { MetricOptions } from '../contracts/metric';
import type { LabeledDataset } from '../data/labeled-dataset';
import { UsageError } from '../errors';
import type { NeuronModel } from '../model/neuron-model';

/** The checks every metric makes on entry, with errors that name the metric and the input. */
export function checkMetricInput(
  metricName: string,
  model: NeuronModel,
  data: LabeledDataset,
  options: MetricOptions,
): void {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new UsageError(
      `metric-${metricName}: batchSize must be an integer ≥ 1, got ${String(options.batchSize)}`,
    );
  }
  if (data.size === 0) throw new UsageError(`metric-${metricName}: data set ${data.name} is empty`);
  const expected = model.inputShape.join('x');
  const actual = data.inputShape.join('x');
  if (expected !== actual) {
    throw new UsageError(
      `metric-${metricName}: data set ${data.name} has samples of shape ${actual}; the model expects ${expected}`,
    );
  }
  if (options.category !== undefined)
    model.checkClass(options.category, `metric-${metricName}: category`);
}
