// Entry of a pooled worker thread (started by `WorkerPool` through worker-launch's bootstrap).
// tsyringe needs the Reflect polyfill in this thread too; core depends on it.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { container, type DependencyContainer } from 'tsyringe';
import { resolveBackend } from '../backend-resolver';
import { NeuronModel } from '../model/neuron-model';
import {
  listComponents,
  type NeuSemSlicePlugin,
  registerPlugins,
  resolveComponent,
} from '../plugin';
import * as tf from '@tensorflow/tfjs';
import { claimFront, stopClaims } from './item-claims';
import type { ItemContext } from './item-task';
import { loadModelFromArtifacts } from './model-artifacts';
import { PackedItemDataset, waitForPackedItem } from './packed-items';
import type { WorkerBoot } from './worker-launch';
import { postedError, type RunMessage, type ToWorkerMessage } from './worker-messages';

type Task = (context: ItemContext<unknown>) => Promise<unknown>;

function loadPlugin(specifier: string): NeuSemSlicePlugin {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(specifier) as { default?: NeuSemSlicePlugin } & NeuSemSlicePlugin;
  return loaded.default ?? loaded;
}

function loadTask(task: RunMessage['task']): Task {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(task.module) as Record<string, { run?: Task } | Task | undefined>;
  const exported = loaded[task.exportName];
  const run = typeof exported === 'function' ? exported : exported?.run;
  if (typeof run !== 'function') {
    throw new Error(`worker: '${task.module}' exports no task '${task.exportName}'`);
  }
  return run;
}

/**
 * Activates the main thread's tfjs backend: the registered backend of that name, else (tfjs-node
 * registers as `tensorflow`) the first installed one, by priority, that turns it on.
 */
async function activateSameBackend(scope: DependencyContainer, tfBackendName: string) {
  const backends = listComponents(scope, 'backend').sort((a, b) => b.priority - a.priority);
  if (backends.some((backend) => backend.name === tfBackendName)) {
    await resolveBackend(scope, { prefer: tfBackendName, log: null });
    return;
  }
  for (const backend of backends.filter((candidate) => candidate.isAvailable())) {
    await backend.activate();
    if (tf.getBackend() === tfBackendName) return;
  }
  throw new Error(
    `worker: no registered backend activates tfjs backend '${tfBackendName}' (registered: ${backends.map((b) => b.name).join(', ')})`,
  );
}

/** Plugins registered and the backend active: the state every run of this worker starts from. */
async function boot(settings: WorkerBoot): Promise<DependencyContainer> {
  tf.env().set('IS_TEST', settings.isTest);
  const scope = registerPlugins(container.createChildContainer(), settings.plugins.map(loadPlugin));
  await activateSameBackend(scope, settings.backend);
  return scope;
}

/** Runs this worker's share of one run: claims items until none are left, posting each result. */
async function runItems(
  port: NonNullable<typeof parentPort>,
  scope: DependencyContainer,
  model: NeuronModel,
  message: RunMessage,
): Promise<void> {
  const metric = message.metricName
    ? resolveComponent(scope, 'metric', message.metricName)
    : undefined;
  const run = loadTask(message.task);
  const { packed } = message;
  const schedule = { claims: message.claims, claimOrder: message.claimOrder };
  for (;;) {
    const position = claimFront(schedule);
    if (position < 0) break;
    const item = schedule.claimOrder[position];
    waitForPackedItem(packed, item);
    const category = packed.categories[item];
    const data = PackedItemDataset.ofItem(packed, item, `${packed.name}/item-${item}`);
    const result = await run({
      model,
      data,
      category: category < 0 ? undefined : category,
      metric,
      input: message.input,
    });
    port.postMessage({ type: 'result', runId: message.runId, item, result });
  }
}

/**
 * One forward and backward pass on a tiny batch of zeros, so that the first run on this model
 * does not pay the kernels' first-use costs (compiling, allocating) inside the caller's call.
 * In inference mode, as the tasks run it: in training mode batch normalization would move its
 * moving statistics toward the zeros, and the worker's copy would then differ from the caller's.
 */
function warmUp(model: NeuronModel): void {
  tf.tidy(() => {
    const inputs = tf.zeros([2, ...model.inputShape]);
    const { value } = tf.variableGrads(
      () => tf.sum(model.model.apply(inputs, { training: false }) as tf.Tensor) as tf.Scalar,
    );
    value.dataSync();
  });
}

/**
 * The worker's life: boot once, then handle messages one after another (models to load and
 * keep by content key, runs to take part in) until the main thread terminates it.
 */
function serve(port: NonNullable<typeof parentPort>): void {
  const settings = (workerData as { boot: WorkerBoot }).boot;
  const booted = boot(settings);
  booted.then(
    () => port.postMessage({ type: 'ready' }),
    (error: unknown) => port.postMessage({ type: 'boot-error', ...postedError(error) }),
  );
  const models = new Map<string, Promise<NeuronModel>>();
  const handle = async (message: ToWorkerMessage): Promise<void> => {
    if (message.type === 'model') {
      for (const key of message.evict) {
        models.get(key)?.then(
          (model) => model.model.dispose(),
          () => undefined,
        );
        models.delete(key);
      }
      const loading = booted.then(async () => {
        const model = new NeuronModel(
          await loadModelFromArtifacts(message.artifacts as tf.io.ModelArtifacts),
        );
        warmUp(model);
        return model;
      });
      loading.catch(() => undefined); // reported by the run that needs it
      models.set(message.key, loading);
      return;
    }
    try {
      const scope = await booted.catch((error: unknown) => {
        throw new Error(`failed to start: ${postedError(error).message}`);
      });
      const model = models.get(message.modelKey);
      if (!model) throw new Error(`no model under key ${message.modelKey.slice(0, 12)}…`);
      await runItems(port, scope, await model, message);
      port.postMessage({ type: 'done', runId: message.runId });
    } catch (error) {
      // Stop the other threads claiming items of a run that has failed.
      stopClaims({ claims: message.claims, claimOrder: message.claimOrder });
      port.postMessage({ type: 'error', runId: message.runId, ...postedError(error) });
    }
  };
  let queue = Promise.resolve();
  port.on('message', (message: ToWorkerMessage) => {
    queue = queue.then(() => handle(message));
  });
}

if (parentPort) serve(parentPort);
