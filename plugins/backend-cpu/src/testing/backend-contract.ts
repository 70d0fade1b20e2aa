import * as tf from '@tensorflow/tfjs';
import {
  BACKEND_ENV_VARIABLE,
  listComponents,
  registerPlugins,
  resolveBackend,
  UsageError,
  type Backend,
  type NeuSemSlicePlugin,
} from '@neusemslice/core';
import { createTestContainer } from '@neusemslice/core/testing';

export interface BackendContractExpectations {
  /** The backend name users force it by. */
  name: string;
  priority: number;
  /** Whether its packages are installed where the tests run. */
  installed: boolean;
  /** The tfjs backend `activate` must select (when installed). */
  tfBackendName?: string;
  /** The package an error must name when it is not installed. */
  requiredPackage?: string;
}

/** Restores the tfjs backend and the environment variable a test changed. */
function restoreAfterEach(): void {
  let backendBefore: string | undefined;
  let envBefore: string | undefined;
  beforeEach(() => {
    backendBefore = tf.getBackend();
    envBefore = process.env[BACKEND_ENV_VARIABLE];
    delete process.env[BACKEND_ENV_VARIABLE];
  });
  afterEach(async () => {
    if (envBefore === undefined) delete process.env[BACKEND_ENV_VARIABLE];
    else process.env[BACKEND_ENV_VARIABLE] = envBefore;
    // Nothing to restore when no tfjs backend was selected yet.
    if (backendBefore) await tf.setBackend(backendBefore);
  });
}

/** The one backend a plugin registers. */
function backendOf(plugin: NeuSemSlicePlugin): Backend {
  const backends = listComponents(registerPlugins(createTestContainer(), [plugin]), 'backend');
  if (backends.length !== 1) {
    throw new Error(`${plugin.name} registered ${backends.length} backends, expected one`);
  }
  return backends[0];
}

/**
 * The behaviour every backend plugin must have: it registers one backend with its documented
 * name and priority; `isAvailable` answers without throwing; installed, `activate` selects its
 * tfjs backend and computes correctly; not installed, activating it fails with an error naming
 * the package to install.
 */
export function describeBackendContract(
  plugin: NeuSemSlicePlugin,
  expected: BackendContractExpectations,
): void {
  describe(`Backend contract: ${plugin.name}`, () => {
    restoreAfterEach();

    it(`registers one backend, '${expected.name}' with priority ${expected.priority}, once per container`, () => {
      const container = registerPlugins(createTestContainer(), [plugin]);
      const backends = listComponents(container, 'backend');
      expect(backends.map((b) => [b.name, b.priority])).toEqual([
        [expected.name, expected.priority],
      ]);
      expect(() => plugin.register(container)).toThrow(/already registered/);
    });

    it(`says it is ${expected.installed ? '' : 'not '}installed, without throwing`, () => {
      expect(backendOf(plugin).isAvailable()).toBe(expected.installed);
    });

    if (expected.installed) {
      it(`activates tfjs backend '${expected.tfBackendName}' and computes with it`, async () => {
        await backendOf(plugin).activate();
        expect(tf.getBackend()).toBe(expected.tfBackendName);
        const product = tf.tidy(() =>
          tf
            .matMul(
              tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]),
              tf.tensor2d([1, 0, -1, 2, 0.5, 1], [3, 2]),
            )
            .arraySync(),
        );
        expect(product).toEqual([
          [1 * 1 + 2 * -1 + 3 * 0.5, 1 * 0 + 2 * 2 + 3 * 1],
          [4 * 1 + 5 * -1 + 6 * 0.5, 4 * 0 + 5 * 2 + 6 * 1],
        ]);
      });
    } else {
      it('refuses to activate, naming the package to install', async () => {
        const activation = backendOf(plugin).activate();
        await expect(activation).rejects.toThrow(UsageError);
        await expect(backendOf(plugin).activate()).rejects.toThrow(
          expected.requiredPackage ?? expected.name,
        );
      });

      it('is refused by the resolver when forced, by option or environment variable', async () => {
        const container = registerPlugins(createTestContainer(), [plugin]);
        const notInstalled = `backend '${expected.name}' was asked for but its package is not installed`;
        await expect(
          resolveBackend(container, { prefer: expected.name, log: null }),
        ).rejects.toThrow(notInstalled);
        process.env[BACKEND_ENV_VARIABLE] = expected.name;
        await expect(resolveBackend(container, { log: null })).rejects.toThrow(notInstalled);
      });
    }
  });
}

export interface BackendResolutionExpectations {
  /** The backend the resolver must pick when nothing is forced. */
  fastest: string;
  /** Installed backends to force, each by option and by environment variable. */
  forcible: string[];
  /** Registered but not installed: forcing one must fail saying so. */
  notInstalled: string[];
}

/**
 * How the core resolver must treat a set of backend plugins registered together: it picks the
 * fastest installed one, honours a forced one by option and by NEUSEMSLICE_BACKEND, and refuses
 * a forced one that is not installed.
 */
export function describeBackendResolution(
  plugins: NeuSemSlicePlugin[],
  expected: BackendResolutionExpectations,
): void {
  describe(`Backend resolution of ${plugins.map((p) => p.name).join(', ')}`, () => {
    restoreAfterEach();
    const container = () => registerPlugins(createTestContainer(), plugins);

    it(`picks '${expected.fastest}' when nothing is forced, and says so`, async () => {
      const lines: string[] = [];
      const chosen = await resolveBackend(container(), { log: (line) => lines.push(line) });
      expect(chosen.name).toBe(expected.fastest);
      expect(lines).toEqual([`backend: ${expected.fastest} (fastest installed)`]);
    });

    if (expected.forcible.length > 0)
      it.each(expected.forcible)(
        "uses '%s' when forced by option or by environment variable",
        async (name) => {
          const lines: string[] = [];
          expect(
            (await resolveBackend(container(), { prefer: name, log: (l) => lines.push(l) })).name,
          ).toBe(name);
          process.env[BACKEND_ENV_VARIABLE] = name;
          expect((await resolveBackend(container(), { log: (l) => lines.push(l) })).name).toBe(
            name,
          );
          expect(lines).toEqual([`backend: ${name} (forced)`, `backend: ${name} (forced)`]);
        },
      );

    if (expected.notInstalled.length > 0)
      it.each(expected.notInstalled)(
        "refuses '%s' when forced: it is not installed",
        async (name) => {
          const notInstalled = `backend '${name}' was asked for but its package is not installed`;
          await expect(resolveBackend(container(), { prefer: name, log: null })).rejects.toThrow(
            notInstalled,
          );
          process.env[BACKEND_ENV_VARIABLE] = name;
          await expect(resolveBackend(container(), { log: null })).rejects.toThrow(notInstalled);
        },
      );
  });
}
