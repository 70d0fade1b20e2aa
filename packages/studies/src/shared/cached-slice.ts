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

/**
 * The semantic slicer's default `combine` (plugins/slicer-semantic, `SEMANTIC_DEFAULTS`): named in
 * the cache key when a study gives none, so slices of the two combinations never share a file. A
 * cached slice that records another combine (the default changed) is made again.
 */
export const SEMANTIC_DEFAULT_COMBINE = 'union';

/** The slicer options a cache key names: the given ones, and the semantic slicer's `combine`. */
export function keyedSlicerOptions(
  slicer: string,
  slicerOptions: Record<string, unknown>,
): Record<string, unknown> {
  return slicer === 'semantic'
    ? { ...slicerOptions, combine: slicerOptions.combine ?? SEMANTIC_DEFAULT_COMBINE }
    : { ...slicerOptions };
}

/**
 * The slice in `file` when it was made for `model`'s weights (and, for each of `options` the
 * slice records, with the same value); else `make`'s, saved to `file`.
 */
export async function cachedSlice(
  file: string,
  model: NeuronModel,
  make: () => Promise<Slice>,
  options: Record<string, unknown> = {},
): Promise<Slice> {
  if (fs.existsSync(file)) {
    const cached = loadSlice(file);
    const sameOptions = Object.entries(options).every(
      ([name, value]) => !(name in cached.options) || cached.options[name] === value,
    );
    if (cached.model.weightsSha256 === model.fingerprint().weightsSha256 && sameOptions)
      return cached;
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
  const optionsPart = Object.entries(keyedSlicerOptions(slicing.slicer, slicing.slicerOptions))
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
  const file = sliceCacheFile(options.cacheDir, setting, seed, slicing);
  const keyed = keyedSlicerOptions(slicing.slicer, slicing.slicerOptions);
  return cachedSlice(
    file,
    model,
    () => {
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
    },
    keyed,
  );
}
