import type { DependencyContainer } from 'tsyringe';
import type { Backend } from './contracts/backend';
import { UsageError } from './errors';
import { listComponents } from './plugin';

/** Environment variable that forces a backend, e.g. `NEUSEMSLICE_BACKEND=cpu`. */
export const BACKEND_ENV_VARIABLE = 'NEUSEMSLICE_BACKEND';

export interface ResolveBackendOptions {
  /** Backend name to use; overrides the environment variable. */
  prefer?: string;
  /** Where to report the choice; defaults to stderr. Pass `null` for silence. */
  log?: ((line: string) => void) | null;
}

/**
 * Activates the fastest installed backend among those registered (tfjs-node-gpu → tfjs-node →
 * wasm → cpu by priority), or the one forced by option or `NEUSEMSLICE_BACKEND`, and says which.
 */
export async function resolveBackend(
  container: DependencyContainer,
  options: ResolveBackendOptions = {},
): Promise<Backend> {
  const backends = [...listComponents(container, 'backend')].sort(
    (a, b) => b.priority - a.priority,
  );
  if (backends.length === 0) {
    throw new UsageError('no backend registered: register at least @neusemslice/backend-cpu');
  }
  const forcedName = options.prefer ?? process.env[BACKEND_ENV_VARIABLE] ?? undefined;
  const log =
    options.log === undefined ? (line: string) => process.stderr.write(`${line}\n`) : options.log;
  if (forcedName) {
    const chosen = backends.find((backend) => backend.name === forcedName);
    if (!chosen) {
      throw new UsageError(
        `unknown backend '${forcedName}' (registered: ${backends.map((b) => b.name).join(', ')})`,
      );
    }
    if (!chosen.isAvailable()) {
      throw new UsageError(
        `backend '${forcedName}' was asked for but its package is not installed`,
      );
    }
    await chosen.activate();
    log?.(`backend: ${chosen.name} (forced)`);
    return chosen;
  }
  // Installed is not always loadable (tfjs-node-gpu without CUDA): fall back to the next one.
  const failures: string[] = [];
  for (const candidate of backends.filter((backend) => backend.isAvailable())) {
    try {
      await candidate.activate();
    } catch (error) {
      failures.push(`${candidate.name}: ${(error as Error).message}`);
      log?.(`backend ${candidate.name} is installed but failed to start; trying the next one`);
      continue;
    }
    log?.(`backend: ${candidate.name} (fastest installed)`);
    return candidate;
  }
  throw new UsageError(
    failures.length > 0
      ? `no registered backend could start (${failures.join('; ')})`
      : `none of the registered backends is installed (${backends.map((b) => b.name).join(', ')})`,
  );
}
