import * as tf from '@tensorflow/tfjs';
import type { Metric } from '../contracts/metric';
import type { ProgressEvent } from '../progress';
import type { Slicer } from '../contracts/slicer';
import { NeuronModel } from '../model/neuron-model';
import { makeSeparableDataset } from './array-dataset';
import { makeTinyCnn, makeTinyMlp } from './tiny-models';

function fixtures() {
  const mlpData = makeSeparableDataset({
    samplesPerClass: 12,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 7,
  });
  const cnnData = makeSeparableDataset({
    samplesPerClass: 6,
    numClasses: 3,
    inputShape: [6, 6, 1],
    seed: 8,
  });
  return [
    { label: 'MLP', model: new NeuronModel(makeTinyMlp({ seed: 3 })), data: mlpData },
    {
      label: 'CNN with batch-norm',
      model: new NeuronModel(makeTinyCnn({ seed: 4 })),
      data: cnnData,
    },
  ];
}

export interface MetricContractOptions {
  /**
   * Whether scores are the same whatever the batch size. False for metrics defined per minibatch
   * (Taylor squares a per-batch sum); the reason goes in the test file.
   */
  batchSizeInvariant: boolean;
}

/** The behaviour every Metric must have. Each metric plugin runs it on its own metric. */
export function describeMetricContract(
  makeMetric: () => Metric,
  options: MetricContractOptions,
): void {
  describe(`Metric contract: ${makeMetric().name}`, () => {
    for (const { label, model, data } of fixtures()) {
      describe(label, () => {
        it('scores every neuron of every neuron layer with a finite number', async () => {
          const scores = await makeMetric().score(model, data, { batchSize: 8 });
          expect(Object.keys(scores).sort()).toEqual(
            model.neuronLayers.map((layer) => layer.name).sort(),
          );
          for (const layer of model.neuronLayers) {
            expect(scores[layer.name]).toHaveLength(layer.units);
            expect(Array.from(scores[layer.name]).every(Number.isFinite)).toBe(true);
          }
        });

        it('gives the same scores twice', async () => {
          const first = await makeMetric().score(model, data, { batchSize: 8 });
          const second = await makeMetric().score(model, data, { batchSize: 8 });
          for (const layer of model.neuronLayers)
            expect(Array.from(second[layer.name])).toEqual(Array.from(first[layer.name]));
        });

        if (options.batchSizeInvariant) {
          it('does not depend on the batch size', async () => {
            const small = await makeMetric().score(model, data, { batchSize: 5 });
            const large = await makeMetric().score(model, data, { batchSize: 64 });
            for (const layer of model.neuronLayers) {
              Array.from(small[layer.name]).forEach((value, index) => {
                expect(value).toBeCloseTo(large[layer.name][index], 4);
              });
            }
          });
        }

        it('scores one category when asked', async () => {
          const classZero = data.subset(
            Int32Array.from(
              Array.from(data.labels()).flatMap((label, index) => (label === 0 ? [index] : [])),
            ),
          );
          const scores = await makeMetric().score(model, classZero, { batchSize: 8, category: 0 });
          for (const layer of model.neuronLayers)
            expect(scores[layer.name]).toHaveLength(layer.units);
        });

        it('streams: one progress event per batch, and no tensor kept between batches', async () => {
          const metric = makeMetric();
          const events: ProgressEvent[] = [];
          const liveTensors: number[] = [];
          await metric.score(model, data, {
            batchSize: 7,
            onProgress: (event) => {
              events.push(event);
              liveTensors.push(tf.memory().numTensors);
            },
          });
          const batches = Math.ceil(data.size / 7);
          expect(events.map((event) => event.task)).toEqual(
            Array(batches).fill(`score ${metric.name}`),
          );
          expect(events.map((event) => [event.done, event.total])).toEqual(
            Array.from({ length: batches }, (_, index) => [
              Math.min(data.size, 7 * (index + 1)),
              data.size,
            ]),
          );
          expect(new Set(liveTensors).size).toBe(1);
        });

        it('leaves no tensor behind', async () => {
          await makeMetric().score(model, data, { batchSize: 8 });
          const before = tf.memory().numTensors;
          await makeMetric().score(model, data, { batchSize: 8 });
          expect(tf.memory().numTensors).toBe(before);
        });

        // onNeuronOutputs is optional; a metric that calls it must keep its promise to the caller.
        it('if it hands neuron outputs over, does so once per batch, in order, unmasked', async () => {
          const batchSize = 7;
          const handedOver: { size: number; outputs: Record<string, tf.Tensor> }[] = [];
          const scoreWithListener = () =>
            makeMetric().score(model, data, {
              batchSize,
              onNeuronOutputs: (outputs, batch) => {
                const copies: Record<string, tf.Tensor> = {};
                for (const [layerName, output] of Object.entries(outputs))
                  copies[layerName] = tf.keep(output.clone());
                handedOver.push({ size: batch.size, outputs: copies });
              },
            });
          const tensorsBefore = tf.memory().numTensors;
          await scoreWithListener();
          if (handedOver.length === 0) return; // the metric does not support the listener
          const sizes = Array.from({ length: Math.ceil(data.size / batchSize) }, (_, index) =>
            Math.min(batchSize, data.size - batchSize * index),
          );
          expect(handedOver.map((call) => call.size)).toEqual(sizes);
          let batchIndex = 0;
          for (const { x } of data.batches(batchSize)) {
            const { outputs } = handedOver[batchIndex];
            expect(Object.keys(outputs).sort()).toEqual(
              model.neuronLayers.map((layer) => layer.name).sort(),
            );
            tf.tidy(() => {
              model.run(x, {
                onNeuronOutput: (layer, expected) => {
                  expect(outputs[layer.name].shape).toEqual(expected.shape);
                  const largest = tf.max(tf.abs(expected)).dataSync()[0];
                  const difference = tf.max(tf.abs(tf.sub(outputs[layer.name], expected)));
                  expect(difference.dataSync()[0]).toBeLessThanOrEqual(1e-5 * (1 + largest));
                  return expected;
                },
              });
            });
            x.dispose();
            batchIndex++;
          }
          for (const call of handedOver) tf.dispose(Object.values(call.outputs));
          expect(tf.memory().numTensors).toBe(tensorsBefore);
        });
      });
    }
  });
}

/** The behaviour every Slicer must have, given a metric to rank with and options to slice with. */
export function describeSlicerContract(
  makeSlicer: () => Slicer,
  makeMetric: () => Metric,
  sliceOptions: Record<string, unknown>,
): void {
  describe(`Slicer contract: ${makeSlicer().name}`, () => {
    for (const { label, model, data } of fixtures()) {
      describe(label, () => {
        it('returns in-range critical sets for every neuron layer, made for this model', async () => {
          const slice = await makeSlicer().slice({
            model,
            data,
            metric: makeMetric(),
            options: sliceOptions,
            batchSize: 8,
          });
          expect(slice.slicer).toBe(makeSlicer().name);
          expect(slice.metric).toBe(makeMetric().name);
          expect(slice.model.weightsSha256).toBe(model.fingerprint().weightsSha256);
          for (const layer of model.neuronLayers) {
            const critical = slice.critical[layer.name];
            expect(Array.isArray(critical)).toBe(true);
            expect(
              critical.every(
                (index) => Number.isInteger(index) && index >= 0 && index < layer.units,
              ),
            ).toBe(true);
            expect(new Set(critical).size).toBe(critical.length);
          }
        });

        it('is deterministic', async () => {
          const first = await makeSlicer().slice({
            model,
            data,
            metric: makeMetric(),
            options: sliceOptions,
            batchSize: 8,
          });
          const second = await makeSlicer().slice({
            model,
            data,
            metric: makeMetric(),
            options: sliceOptions,
            batchSize: 8,
          });
          expect(second.critical).toEqual(first.critical);
        });

        it('leaves no tensor behind', async () => {
          await makeSlicer().slice({
            model,
            data,
            metric: makeMetric(),
            options: sliceOptions,
            batchSize: 8,
          });
          const before = tf.memory().numTensors;
          await makeSlicer().slice({
            model,
            data,
            metric: makeMetric(),
            options: sliceOptions,
            batchSize: 8,
          });
          expect(tf.memory().numTensors).toBe(before);
        });
      });
    }
  });
}
