import * as tf from '@tensorflow/tfjs';
import type {
  ComponentLookup,
  MaintenanceReport,
  Maintainer,
  MaintenanceRequest,
} from '../contracts/maintainer';
import type { LabeledDataset } from '../data/labeled-dataset';
import { isUsageError, UsageError } from '../errors';
import { NeuronModel } from '../model/neuron-model';
import { createSlice, type Slice } from '../slice/slice';
import { makeSeparableDataset } from './array-dataset';
import { makeTinyCnn, makeTinyMlp } from './tiny-models';

/** A small model, data for it, and a slice of it, handed to the caller to build a request. */
export interface MaintainerContractFixture {
  label: string;
  model: NeuronModel;
  /** Separable samples the model's input shape and classes fit (a few dozen). */
  data: LabeledDataset;
  /** Keeps every other neuron of each layer (the first included). */
  slice: Slice;
}

/** What the caller adds to a maintenance request for one fixture. */
export interface MaintainerContractRequest {
  trainData: LabeledDataset;
  testData?: LabeledDataset;
  /** Valid options of the maintainer under test. */
  options: Record<string, unknown>;
  /** Collaborators; default: a lookup that finds none. */
  components?: ComponentLookup;
  /** A slice of `fixture.model` to use instead of `fixture.slice` (e.g. per-category sets). */
  slice?: Slice;
}

const noComponents: ComponentLookup = (kind, name) => {
  throw new UsageError(`no ${kind} '${name}' is registered in the contract test`);
};

function everyOtherNeuron(model: NeuronModel): Record<string, number[]> {
  return Object.fromEntries(
    model.neuronLayers.map((layer) => [
      layer.name,
      Array.from({ length: layer.units }, (_, index) => index).filter((index) => index % 2 === 0),
    ]),
  );
}

function makeFixture(kind: 'mlp' | 'cnn'): MaintainerContractFixture {
  const model = new NeuronModel(
    kind === 'mlp' ? makeTinyMlp({ seed: 21 }) : makeTinyCnn({ seed: 22 }),
  );
  const data = makeSeparableDataset({
    samplesPerClass: 8,
    numClasses: model.numClasses,
    inputShape: [...model.inputShape],
    seed: kind === 'mlp' ? 23 : 24,
  });
  const slice = createSlice({
    model,
    metric: 'contract',
    slicer: 'every-other',
    options: {},
    critical: everyOtherNeuron(model),
  });
  return { label: kind === 'mlp' ? 'MLP' : 'CNN with batch-norm', model, data, slice };
}

/** Every weight's bytes, by layer and position, to check a model is unchanged bit for bit. */
function weightBytes(model: tf.LayersModel): Map<string, Uint8Array> {
  const bytes = new Map<string, Uint8Array>();
  for (const layer of model.layers) {
    layer.weights.forEach((weight, position) => {
      const values = weight.read().dataSync();
      bytes.set(
        `${layer.name}[${position}]`,
        new Uint8Array(
          values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
        ),
      );
    });
  }
  return bytes;
}

async function caughtError(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * The behaviour every Maintainer must have (restructure, re-adapt, incremental …): it refuses a
 * slice of another model and unknown options with UsageErrors, reports finite figures, leaves the
 * input model's weights bit-identical, and leaks no tensor besides the model it returns.
 * `makeRequest` gives the data and valid options for a fixture (a tiny MLP and a tiny CNN).
 */
export function describeMaintainerContract(
  makeMaintainer: () => Maintainer,
  makeRequest: (fixture: MaintainerContractFixture) => MaintainerContractRequest,
  options: { fixtures?: readonly ('mlp' | 'cnn')[] } = {},
): void {
  const request = (
    fixture: MaintainerContractFixture,
    overrides: Partial<MaintenanceRequest> = {},
  ): MaintenanceRequest => {
    const made = makeRequest(fixture);
    return {
      model: fixture.model,
      slice: made.slice ?? fixture.slice,
      trainData: made.trainData,
      testData: made.testData,
      options: made.options,
      components: made.components ?? noComponents,
      ...overrides,
    };
  };
  const disposeReport = (report: MaintenanceReport) => report.model?.dispose();

  describe(`Maintainer contract: ${makeMaintainer().name}`, () => {
    for (const kind of options.fixtures ?? (['mlp', 'cnn'] as const)) {
      describe(kind === 'mlp' ? 'MLP' : 'CNN with batch-norm', () => {
        it('refuses a slice made for another model with a UsageError', async () => {
          const fixture = makeFixture(kind);
          const other = new NeuronModel(
            kind === 'mlp'
              ? makeTinyMlp({ seed: 31, hidden: [10, 6] })
              : makeTinyCnn({ seed: 32, inputShape: [8, 8, 1] }),
          );
          const foreignSlice = createSlice({
            model: other,
            metric: 'contract',
            slicer: 'every-other',
            options: {},
            critical: everyOtherNeuron(other),
          });
          const error = await caughtError(() =>
            makeMaintainer().maintain(request(fixture, { slice: foreignSlice })),
          );
          expect(isUsageError(error)).toBe(true);
          other.model.dispose();
          fixture.model.model.dispose();
        });

        it('refuses an unknown option with a UsageError naming it', async () => {
          const fixture = makeFixture(kind);
          const valid = makeRequest(fixture).options;
          const error = await caughtError(() =>
            makeMaintainer().maintain(request(fixture, { options: { ...valid, notAnOption: 1 } })),
          );
          expect(isUsageError(error)).toBe(true);
          expect((error as Error).message).toContain('notAnOption');
          fixture.model.model.dispose();
        });

        it('reports finite figures and leaves the input model bit-identical', async () => {
          const fixture = makeFixture(kind);
          const before = weightBytes(fixture.model.model);
          const report = await makeMaintainer().maintain(request(fixture));
          expect(Object.keys(report.figures).length).toBeGreaterThan(0);
          for (const [name, value] of Object.entries(report.figures)) {
            expect([name, Number.isFinite(value)]).toEqual([name, true]);
          }
          const after = weightBytes(fixture.model.model);
          expect([...after.keys()]).toEqual([...before.keys()]);
          for (const [key, bytes] of before) {
            expect([
              key,
              Buffer.compare(Buffer.from(bytes), Buffer.from(after.get(key) as Uint8Array)),
            ]).toEqual([key, 0]);
          }
          disposeReport(report);
          fixture.model.model.dispose();
        });

        it('leaks no tensor besides the model it returns', async () => {
          const fixture = makeFixture(kind);
          disposeReport(await makeMaintainer().maintain(request(fixture)));
          const tensorsBefore = tf.memory().numTensors;
          disposeReport(await makeMaintainer().maintain(request(fixture)));
          expect(tf.memory().numTensors).toBe(tensorsBefore);
          fixture.model.model.dispose();
        });
      });
    }
  });
}
