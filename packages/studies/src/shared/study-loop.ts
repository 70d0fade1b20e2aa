import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  componentLookup,
  type Maintainer,
  type MaintenanceReport,
  type MaintenanceRequest,
  NeuronModel,
} from '@neusemslice/core';
import type { DependencyContainer } from 'tsyringe';
import { CheckpointStore } from './checkpoint-store';
import type { StudySetting } from './settings';
import type { StudyBaseOptions, StudyData } from './study-options';

/**
 * The loop every study runs: setting by setting and seed by seed, a seed whose points are all
 * checkpointed is read back without loading data or models; otherwise the setting's data is
 * loaded once, the seed's original model is made, its points are run (each checkpointed and
 * reported as progress) and the model is disposed.
 */

/** Creates the cache directory and opens the study's checkpoint there, for this plan only. */
function openStudyCheckpoint<Point>(
  cacheDir: string,
  fileName: string,
  plan: unknown,
): CheckpointStore<Point> {
  fs.mkdirSync(cacheDir, { recursive: true });
  return new CheckpointStore<Point>(path.join(cacheDir, fileName), JSON.stringify(plan));
}

/** One setting and seed whose points are not all done yet. */
export interface SeedRun<Point> {
  setting: StudySetting;
  seed: number;
  data: StudyData;
  /** The seed's original model (disposed after `run`). */
  model: NeuronModel;
  /** The point of `key`: from the checkpoint, else computed and checkpointed. */
  point: (key: string, compute: () => Promise<Point>) => Promise<Point>;
}

/** What the loop takes from the study's options. */
export type StudyLoopOptions = Pick<
  StudyBaseOptions,
  'settings' | 'seeds' | 'loadData' | 'cacheDir' | 'onProgress'
>;

export interface StudyLoop<Point> {
  /** The checkpoint's file name in the cache directory. */
  checkpoint: string;
  /** The checked plan: a checkpoint made for another plan is refused. */
  plan: unknown;
  /** The keys of a setting and seed's points, in the order `run` computes them. */
  keys: (setting: StudySetting, seed: number) => string[];
  /** The original model of a setting and seed. */
  original: (setting: StudySetting, seed: number, data: StudyData) => Promise<tf.LayersModel>;
  /** Computes a setting and seed's points through `point`. */
  run: (seedRun: SeedRun<Point>) => Promise<void>;
  /** The progress task, e.g. 'study restructure', and the figures shown for each point. */
  task: string;
  figures: (point: Point) => Record<string, number>;
  /** Compute nothing: keep the checkpointed points and list the keys of the others as missing. */
  reportOnly?: boolean;
}

/** Runs the loop; returns the points in key order and the keys not done (`reportOnly`). */
export async function runStudyLoop<Point>(
  options: StudyLoopOptions,
  loop: StudyLoop<Point>,
): Promise<{ points: Point[]; missing: string[] }> {
  const store = openStudyCheckpoint<Point>(options.cacheDir, loop.checkpoint, loop.plan);
  const points: Point[] = [];
  const missing: string[] = [];
  const total = options.settings.reduce(
    (sum, setting) =>
      sum + options.seeds.reduce((count, seed) => count + loop.keys(setting, seed).length, 0),
    0,
  );
  let done = 0;
  for (const setting of options.settings) {
    let data: StudyData | undefined;
    for (const seed of options.seeds) {
      const keys = loop.keys(setting, seed);
      if (keys.every((key) => store.has(key))) {
        points.push(...keys.map((key) => store.get(key) as Point));
        done += keys.length;
        continue;
      }
      if (loop.reportOnly) {
        for (const key of keys) {
          if (store.has(key)) points.push(store.get(key) as Point);
          else missing.push(key);
        }
        continue;
      }
      data ??= await options.loadData(setting);
      const original = await loop.original(setting, seed, data);
      try {
        await loop.run({
          setting,
          seed,
          data,
          model: new NeuronModel(original),
          point: async (key, compute) => {
            const point = await store.getOrCompute(key, compute);
            points.push(point);
            done++;
            options.onProgress?.({ task: loop.task, done, total, figures: loop.figures(point) });
            return point;
          },
        });
      } finally {
        original.dispose();
      }
    }
  }
  return { points, missing };
}

/**
 * One run of a point: `maintainer` on the request, with the container's components and the
 * study's progress listener; the model it makes is disposed, its figures and details returned.
 */
export async function maintainPoint(
  maintainer: Maintainer,
  request: Omit<MaintenanceRequest, 'components' | 'onProgress'>,
  options: Pick<StudyBaseOptions, 'onProgress'> & { container: DependencyContainer },
): Promise<Pick<MaintenanceReport, 'figures' | 'details'>> {
  const report = await maintainer.maintain({
    ...request,
    components: componentLookup(options.container),
    onProgress: options.onProgress,
  });
  report.model?.dispose();
  return { figures: report.figures, details: report.details };
}
