import * as fs from 'node:fs';
import * as path from 'node:path';
import { NeuronModel, UsageError, listComponents, resolveBackend } from '@neusemslice/core';
import { createModel, loadModelFromDir, trainModel } from '@neusemslice/models';
import { numberOption, stringOption } from '../args';
import { runBackendsBench } from '../bench/backends-bench';
import { runInferenceBench } from '../bench/inference-bench';
import { runSlicingBench } from '../bench/slicing-bench';
import { runSpeedProfile } from '../bench/speed-profile';
import { runSpeedBench } from '../bench/speed-vs-pytorch';
import { cliPluginModules } from '../plugins';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import { batchSizeOption, loadSplit, runtimeOptions, slicingSubset } from './common';

export const benchCommand: Command = {
  name: 'bench',
  usage: 'bench [speed|profile|backends|slicing|inference] [options]',
  summary:
    "Measure speed against PyTorch and profile where the time goes, beside PyTorch's (default: speed profile), training throughput per backend, slicing speed and restructured inference speed; writes Markdown to docs/results",
  options: {
    out: {
      type: 'string',
      placeholder: '<dir>',
      default: 'docs/results',
      description:
        'Directory for speed-vs-pytorch.md, speed-profile.md, backends.md, slicing-speed.md and restructured-inference.md',
    },
    repeats: {
      type: 'string',
      placeholder: '<n>',
      default: '3',
      description: 'speed: runs of each measurement, ours and PyTorch alternating (median)',
    },
    quick: {
      type: 'boolean',
      description:
        'speed, profile: small sample counts, to check the bench runs (numbers not comparable)',
    },
    model: {
      type: 'string',
      placeholder: '<dir>',
      description: 'Trained MLP-MNIST to slice (default: train one for 2 epochs)',
    },
    ...runtimeOptions,
  },
  async run(options, positionals, context) {
    const parts = positionals.length > 0 ? positionals : ['speed', 'profile'];
    // What `--json` prints: each part's rows and the file it wrote.
    const results: Record<string, { rows: unknown[]; file: string }> = {};
    for (const part of parts) {
      if (!['speed', 'profile', 'backends', 'slicing', 'inference'].includes(part))
        throw new UsageError(
          `unknown benchmark '${part}' (expected speed | profile | backends | slicing | inference)`,
        );
    }
    const repeats = numberOption(options, 'repeats', { min: 1, max: 100, integer: true });
    const outDir = stringOption(options, 'out');
    fs.mkdirSync(outDir, { recursive: true });
    const batchSize = batchSizeOption(options);
    const train = await loadSplit('mnist', 'train', options, context);
    // Resolved once, by the first part that needs them.
    let backendPromise: ReturnType<typeof resolveBackend> | undefined;
    const activeBackend = () =>
      (backendPromise ??= resolveBackend(context.container, {
        prefer: typeof options.backend === 'string' ? options.backend : undefined,
        log: context.log,
      }));
    let testPromise: ReturnType<typeof loadSplit> | undefined;
    const testSplit = () => (testPromise ??= loadSplit('mnist', 'test', options, context));
    if (parts.includes('speed')) {
      const backend = await activeBackend();
      const test = await testSplit();
      const { rows, markdown } = await runSpeedBench(context.container, train, test, {
        outDir,
        commandLine: context.commandLine,
        backend: backend.name,
        settings: { repeats, quick: options.quick === true, seed: 1, batchSize },
        slicingData: (perClass, seed) => slicingSubset(train, perClass, seed),
        workerPlugins: [...cliPluginModules(), ...(context.userPluginModules ?? [])],
        log: context.log,
      });
      context.print(markdown);
      context.print(`wrote ${path.join(outDir, 'speed-vs-pytorch.md')}`);
      results.speed = { rows, file: path.join(outDir, 'speed-vs-pytorch.md') };
    }
    if (parts.includes('profile')) {
      const backend = await activeBackend();
      const test = await testSplit();
      const file = path.join(outDir, 'speed-profile.md');
      const { rows, markdown } = await runSpeedProfile(train, test, {
        outDir,
        commandLine: context.commandLine,
        backend: backend.name,
        quick: options.quick === true,
        batchSize,
        log: context.log,
      });
      context.print(markdown);
      context.print(`wrote ${file}`);
      results.profile = { rows, file };
    }
    if (parts.includes('backends')) {
      const { rows, markdown } = await runBackendsBench(context.container, train, {
        outDir,
        commandLine: context.commandLine,
        log: context.log,
      });
      context.print(markdown);
      results.backends = { rows, file: path.join(outDir, 'backends.md') };
    }
    if (parts.includes('slicing')) {
      const backend = await activeBackend();
      let layersModel;
      if (typeof options.model === 'string') {
        layersModel = await loadModelFromDir(options.model);
      } else {
        context.log('bench: training MLP-MNIST for 2 epochs to slice…');
        layersModel = createModel('mlp', {
          inputShape: [...train.inputShape],
          numClasses: train.numClasses,
          seed: 1,
        });
        await trainModel(layersModel, train, {
          epochs: 2,
          batchSize: 128,
          learningRate: 0.001,
          seed: 1,
          onProgress: throttledProgress(context.log, 10000),
        });
      }
      const { rows, markdown } = await runSlicingBench(
        context.container,
        new NeuronModel(layersModel),
        slicingSubset(train, 1000, 1),
        {
          metrics: listComponents(context.container, 'metric')
            .map((metric) => metric.name)
            .filter((name) => name !== 'gradient-x-delta'),
          theta: 0.95,
          batchSize,
          outDir,
          commandLine: context.commandLine,
          backend: backend.name,
          modelLabel: 'MLP-MNIST',
          log: context.log,
        },
      );
      context.print(markdown);
      context.print(`wrote ${path.join(outDir, 'slicing-speed.md')}`);
      results.slicing = { rows, file: path.join(outDir, 'slicing-speed.md') };
    }
    if (parts.includes('inference')) {
      const backend = await activeBackend();
      const test = await testSplit();
      const { rows, markdown } = await runInferenceBench(context.container, train, test, {
        outDir,
        commandLine: context.commandLine,
        backend: backend.name,
        log: context.log,
        slicingData: (perClass, seed) => slicingSubset(train, perClass, seed),
      });
      context.print(markdown);
      context.print(`wrote ${path.join(outDir, 'restructured-inference.md')}`);
      results.inference = { rows, file: path.join(outDir, 'restructured-inference.md') };
    }
    return results;
  },
};
