import type { InjectionToken } from 'tsyringe';
import type { Attack } from './attack';
import type { Backend } from './backend';
import type { Maintainer } from './maintainer';
import type { Metric } from './metric';
import type { Pruner } from './pruner';
import type { Slicer } from './slicer';

/** Every plugin kind has one token; a container holds any number of providers under it. */
export const MetricToken: InjectionToken<Metric> = Symbol.for('neusemslice.Metric');
export const SlicerToken: InjectionToken<Slicer> = Symbol.for('neusemslice.Slicer');
export const PrunerToken: InjectionToken<Pruner> = Symbol.for('neusemslice.Pruner');
export const MaintainerToken: InjectionToken<Maintainer> = Symbol.for('neusemslice.Maintainer');
export const AttackToken: InjectionToken<Attack> = Symbol.for('neusemslice.Attack');
export const BackendToken: InjectionToken<Backend> = Symbol.for('neusemslice.Backend');

/** The kinds of component a plugin can provide, with their tokens. */
export const componentTokens = {
  metric: MetricToken,
  slicer: SlicerToken,
  pruner: PrunerToken,
  maintainer: MaintainerToken,
  attack: AttackToken,
  backend: BackendToken,
} as const;

export type ComponentKind = keyof typeof componentTokens;

export interface ComponentTypes {
  metric: Metric;
  slicer: Slicer;
  pruner: Pruner;
  maintainer: Maintainer;
  attack: Attack;
  backend: Backend;
}
