// Entry of a worker thread started by `runItemsInParallel` (through worker-launch's bootstrap).
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
import type { ItemContext } from './item-task';
import { loadModelFromArtifacts } from './model-artifacts';
import { PackedItemDataset, type PackedItems } from './packed-items';
import type { WorkerBoot } from './worker-launch';

type Task = (context: ItemContext<unknown>) => Promise<unknown>;

function loadPlugin(specifier: string): NeuSemSlicePlugin {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(specifier) as { default?: NeuSemSlicePlugin } & NeuSemSlicePlugin;
  return loaded.default ?? loaded;
}

function loadTask(task: WorkerBoot['task']): Task {
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

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const boot = (workerData as { boot: WorkerBoot }).boot;
  const packedArrived = new Promise<PackedItems>((resolve) =>
    port.once('message', (message: { packed: PackedItems }) => resolve(message.packed)),
  );
  tf.env().set('IS_TEST', boot.isTest);
  const scope = registerPlugins(container.createChildContainer(), boot.plugins.map(loadPlugin));
  await activateSameBackend(scope, boot.backend);
  const model = new NeuronModel(
    await loadModelFromArtifacts(boot.artifacts as tf.io.ModelArtifacts),
  );
  const metric = boot.metricName ? resolveComponent(scope, 'metric', boot.metricName) : undefined;
  const run = loadTask(boot.task);
  const packed = await packedArrived;
  for (;;) {
    const position = Atomics.add(boot.claims, 0, 1);
    if (position >= boot.claimOrder.length) break;
    const item = boot.claimOrder[position];
    const category = packed.categories[item];
    const data = PackedItemDataset.ofItem(packed, item, `${packed.name}/item-${item}`);
    const result = await run({
      model,
      data,
      category: category < 0 ? undefined : category,
      metric,
      input: boot.input,
    });
    port.postMessage({ type: 'result', item, result });
  }
  model.model.dispose();
}

if (parentPort) {
  const port = parentPort;
  main(port).then(
    () => port.postMessage({ type: 'done' }),
    (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      port.postMessage({
        type: 'error',
        name: failure.name,
        message: failure.message,
        stack: failure.stack,
      });
    },
  );
}
