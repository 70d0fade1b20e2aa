import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type LabeledDataset,
  loadSlice,
  type NeuronModel,
  type ProgressListener,
  resolveComponent,
  saveSlice,
  type Slice,
} from '@neusemslice/core';
import { samplePerClass } from '@neusemslice/data';
import type { DependencyContainer } from 'tsyringe';
import type { StudySetting } from './settings';
import type { StudySlicing } from './study-options';

/**
 * Slices cached in a study's cache directory, one file per setting, seed, metric, slicer and
 * options: a cached slice is reused only when it was made for the same weights (fingerprint).
 */

/** The slice in `file` when it was made for `model`'s weights; else `make`'s, saved to `file`. */
export async function cachedSlice(
  file: string,
  model: NeuronModel,
  make: () => Promise<Slice>,
): Promise<Slice> {
  if (fs.existsSync(file)) {
    const cached = loadSlice(file);
    if (cached.model.weightsSha256 === model.fingerprint().weightsSha256) return cached;
  }
  const slice = await make();
  saveSlice(file, slice);
  return slice;
}

/** The file the slice of a setting and seed is cached in, named by everything that made it. */
export function sliceCacheFile(
  cacheDir: string,
  setting: StudySetting,
  seed: number,
  slicing: StudySlicing,
): string {
  const optionsPart = Object.entries(slicing.slicerOptions)
    .map(([name, value]) => `${name}-${String(value)}`)
    .join('-');
  return path.join(
    cacheDir,
    `${setting.id}-seed-${seed}-${slicing.metric}-${slicing.slicer}-${optionsPart}-${slicing.slicingPerClass}pc.slice.json`,
  );
}

/** The setting's slice for a seed (seeded samples per class of `train`), cached. */
export async function studySlice(
  model: NeuronModel,
  setting: StudySetting,
  seed: number,
  train: LabeledDataset,
  slicing: StudySlicing,
  options: {
    container: DependencyContainer;
    cacheDir: string;
    onProgress?: ProgressListener;
    log?: (line: string) => void;
  },
): Promise<Slice> {
  return cachedSlice(sliceCacheFile(options.cacheDir, setting, seed, slicing), model, () => {
    options.log?.(
      `${setting.label} seed ${seed}: slicing with ${slicing.metric} + ${slicing.slicer}`,
    );
    return resolveComponent(options.container, 'slicer', slicing.slicer).slice({
      model,
      data: samplePerClass(train, slicing.slicingPerClass, seed),
      metric: resolveComponent(options.container, 'metric', slicing.metric),
      options: { ...slicing.slicerOptions },
      onProgress: options.onProgress,
    });
  });
}
