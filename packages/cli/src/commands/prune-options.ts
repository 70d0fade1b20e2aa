import { checkFineTuneOptions, checkPruneSettings } from '@neusemslice/maintainer-restructure';
import { checkedNumberOption, type ParsedOptions } from '../args';

/** `--tolerance` and `--max-iterations` of iterative pruning, by the library's own checks. */
export function pruneLoopOptions(options: ParsedOptions): {
  tolerance: number;
  maxIterations: number;
} {
  const tolerance = checkedNumberOption(options, 'tolerance', (value) => {
    checkPruneSettings({ tolerance: value });
    return value;
  });
  const maxIterations = checkedNumberOption(
    options,
    'max-iterations',
    (value) => checkPruneSettings({ maxIterations: value }).maxIterations,
  );
  return { tolerance, maxIterations };
}

/** `--fine-tune-samples` and `--fine-tune-epochs` of each pruning iteration. */
export function fineTuneBudgetOptions(options: ParsedOptions): { samples: number; epochs: number } {
  return {
    samples: checkedNumberOption(
      options,
      'fine-tune-samples',
      (value) => checkFineTuneOptions({ samples: value }).samples,
    ),
    epochs: checkedNumberOption(
      options,
      'fine-tune-epochs',
      (value) => checkFineTuneOptions({ epochs: value }).epochs,
    ),
  };
}
