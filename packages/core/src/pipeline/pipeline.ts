import * as tf from '@tensorflow/tfjs';
import type { DependencyContainer } from 'tsyringe';
import type { MaintenanceReport, Maintainer } from '../contracts/maintainer';
import type { Metric } from '../contracts/metric';
import type { Slicer } from '../contracts/slicer';
import type { LabeledDataset } from '../data/labeled-dataset';
import { UsageError } from '../errors';
import { NeuronModel } from '../model/neuron-model';
import { componentLookup, resolveComponent } from '../plugin';
import type { ProgressListener } from '../progress';
import type { Slice } from '../slice/slice';

/** What the pipeline knows at a hook. */
export interface PipelineContext {
  readonly model: NeuronModel;
  readonly data: LabeledDataset;
  readonly metric: Metric;
  readonly slicer: Slicer;
  readonly slicerOptions: Readonly<Record<string, unknown>>;
  readonly maintainer?: Maintainer;
  /** Set once slicing is done. */
  readonly slice?: Slice;
  /** Set once maintenance is done. */
  readonly maintenance?: MaintenanceReport;
}

/**
 * Typed, optional hooks around the pipeline's phases. `Pipeline.run` calls each observer's hook
 * in registration order and awaits it before going on.
 */
export interface PipelineObserver {
  /** Called by `Pipeline.run` before the slicer starts. */
  beforeSlice?(context: PipelineContext): void | Promise<void>;
  /** Called by `Pipeline.run` with the slice as soon as it exists. */
  afterSlice?(context: PipelineContext & { slice: Slice }): void | Promise<void>;
  /** Called by `Pipeline.run` before the maintainer starts (only when one is set). */
  beforeMaintain?(context: PipelineContext & { slice: Slice }): void | Promise<void>;
  /** Called by `Pipeline.run` with the maintainer's report. */
  afterMaintain?(
    context: PipelineContext & { slice: Slice; maintenance: MaintenanceReport },
  ): void | Promise<void>;
}

export interface PipelineResult {
  slice: Slice;
  maintenance?: MaintenanceReport;
}

interface MaintainerStep {
  maintainer: Maintainer;
  options: Record<string, unknown>;
  trainData: LabeledDataset;
  testData?: LabeledDataset;
}

/**
 * The template of every NeuSemSlice job: model → data → metric → slicer → (maintainer),
 * assembled in code from components registered on a container, or given directly.
 */
export class Pipeline {
  private neuronModel?: NeuronModel;
  private slicingData?: LabeledDataset;
  private chosenMetric?: Metric;
  private chosenSlicer?: Slicer;
  private slicerOptions: Record<string, unknown> = {};
  private maintainerStep?: MaintainerStep;
  private readonly observers: PipelineObserver[] = [];
  private batchSize = 128;
  private progressListener?: ProgressListener;

  constructor(private readonly container: DependencyContainer) {}

  model(model: NeuronModel | tf.LayersModel): this {
    this.neuronModel = model instanceof NeuronModel ? model : new NeuronModel(model);
    return this;
  }

  /** The samples to slice on (e.g. a seeded per-class subset of the training set). */
  data(data: LabeledDataset): this {
    this.slicingData = data;
    return this;
  }

  metric(metric: string | Metric): this {
    this.chosenMetric =
      typeof metric === 'string' ? resolveComponent(this.container, 'metric', metric) : metric;
    return this;
  }

  slicer(slicer: string | Slicer, options: Record<string, unknown> = {}): this {
    this.chosenSlicer =
      typeof slicer === 'string' ? resolveComponent(this.container, 'slicer', slicer) : slicer;
    this.slicerOptions = { ...options };
    return this;
  }

  maintainer(
    maintainer: string | Maintainer,
    options: Record<string, unknown>,
    data: { trainData: LabeledDataset; testData?: LabeledDataset },
  ): this {
    this.maintainerStep = {
      maintainer:
        typeof maintainer === 'string'
          ? resolveComponent(this.container, 'maintainer', maintainer)
          : maintainer,
      options: { ...options },
      ...data,
    };
    return this;
  }

  observe(observer: PipelineObserver): this {
    this.observers.push(observer);
    return this;
  }

  batch(batchSize: number): this {
    this.batchSize = batchSize;
    return this;
  }

  onProgress(listener: ProgressListener): this {
    this.progressListener = listener;
    return this;
  }

  async run(): Promise<PipelineResult> {
    const missing = [
      ['model', this.neuronModel],
      ['data', this.slicingData],
      ['metric', this.chosenMetric],
      ['slicer', this.chosenSlicer],
    ].filter(([, value]) => value === undefined);
    if (missing.length > 0) {
      throw new UsageError(
        `pipeline is missing: ${missing.map(([name]) => name).join(', ')} (call .${missing[0][0]}(…) first)`,
      );
    }
    const context: PipelineContext = {
      model: this.neuronModel as NeuronModel,
      data: this.slicingData as LabeledDataset,
      metric: this.chosenMetric as Metric,
      slicer: this.chosenSlicer as Slicer,
      slicerOptions: this.slicerOptions,
      maintainer: this.maintainerStep?.maintainer,
    };
    for (const observer of this.observers) await observer.beforeSlice?.(context);
    const slice = await context.slicer.slice({
      model: context.model,
      data: context.data,
      metric: context.metric,
      options: { ...this.slicerOptions },
      batchSize: this.batchSize,
      onProgress: this.progressListener,
    });
    const sliced = { ...context, slice };
    for (const observer of this.observers) await observer.afterSlice?.(sliced);
    if (!this.maintainerStep) return { slice };

    for (const observer of this.observers) await observer.beforeMaintain?.(sliced);
    const maintenance = await this.maintainerStep.maintainer.maintain({
      model: context.model,
      slice,
      trainData: this.maintainerStep.trainData,
      testData: this.maintainerStep.testData,
      options: { ...this.maintainerStep.options },
      components: componentLookup(this.container),
      onProgress: this.progressListener,
    });
    for (const observer of this.observers)
      await observer.afterMaintain?.({ ...sliced, maintenance });
    return { slice, maintenance };
  }
}
