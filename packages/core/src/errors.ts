/**
 * An error caused by the user's input (a bad option, an unknown layer, a file that does not
 * match). The CLI prints its message on one line and exits with code 2 instead of a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Throws a UsageError unless `value` is a finite number within [min, max]. */
export function checkNumberInRange(
  inputName: string,
  value: unknown,
  min: number,
  max: number,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${inputName} must be a number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Throws a UsageError unless `value` is an integer ≥ min. */
export function checkInteger(inputName: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${inputName} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** True for UsageErrors, also when they come from another copy of this package. */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError || (error instanceof Error && error.name === 'UsageError');
}
