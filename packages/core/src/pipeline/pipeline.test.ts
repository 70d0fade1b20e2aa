import { container } from 'tsyringe';
import type { Metric } from '../contracts/metric';
import type { Maintainer } from '../contracts/maintainer';
import type { Slicer } from '../contracts/slicer';
import { NeuronModel } from '../model/neuron-model';
import { provide } from '../plugin';
import { createSlice } from '../slice/slice';
import { makeSeparableDataset, makeTinyMlp } from '../testing';
import { Pipeline } from './pipeline';

describe('Pipeline', () => {
  const model = new NeuronModel(makeTinyMlp({ seed: 2 }));
  const data = makeSeparableDataset({
    samplesPerClass: 3,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 2,
  });
  const metric: Metric = {
    name: 'first-neuron',
    description: 'scores neuron 0 highest',
    score: async (m) =>
      Object.fromEntries(
        m.neuronLayers.map((l) => [l.name, Float64Array.from({ length: l.units }, (_, i) => -i)]),
      ),
  };
  const slicer: Slicer = {
    name: 'top-one',
    description: 'keeps the best neuron of each layer',
    slice: async (request) => {
      const scores = await request.metric.score(request.model, request.data, {
        batchSize: request.batchSize ?? 1,
      });
      const critical = Object.fromEntries(
        Object.entries(scores).map(([name, values]) => [
          name,
          [values.indexOf(Math.max(...values))],
        ]),
      );
      return createSlice({
        model: request.model,
        metric: request.metric.name,
        slicer: 'top-one',
        options: request.options,
        critical,
      });
    },
  };
  const maintainer: Maintainer = {
    name: 'count',
    description: 'counts critical neurons',
    maintain: async ({ slice, options }) => ({
      figures: {
        critical: Object.values(slice.critical).flat().length,
        factor: options.factor as number,
      },
    }),
  };

  it('runs model → data → metric → slicer → maintainer with typed hooks in order', async () => {
    const scope = container.createChildContainer();
    provide(scope, 'metric', metric, 'test');
    provide(scope, 'slicer', slicer, 'test');
    provide(scope, 'maintainer', maintainer, 'test');
    const events: string[] = [];
    const options = { answer: 42 };
    const result = await new Pipeline(scope)
      .model(model)
      .data(data)
      .metric('first-neuron')
      .slicer('top-one', options)
      .maintainer('count', { factor: 2 }, { trainData: data })
      .observe({
        beforeSlice: () => void events.push('beforeSlice'),
        afterSlice: ({ slice }) => void events.push(`afterSlice ${slice.critical.fc1}`),
        beforeMaintain: () => void events.push('beforeMaintain'),
        afterMaintain: ({ maintenance }) =>
          void events.push(`afterMaintain ${maintenance.figures.critical}`),
      })
      .run();
    expect(events).toEqual(['beforeSlice', 'afterSlice 0', 'beforeMaintain', 'afterMaintain 2']);
    expect(result.slice.options).toEqual({ answer: 42 });
    expect(result.maintenance?.figures).toEqual({ critical: 2, factor: 2 });
    expect(options).toEqual({ answer: 42 });
  });

  it('says what is missing', async () => {
    await expect(new Pipeline(container.createChildContainer()).model(model).run()).rejects.toThrow(
      'pipeline is missing: data, metric, slicer (call .data(…) first)',
    );
  });
});
