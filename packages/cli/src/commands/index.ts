import type { Command } from '../command';
import { benchCommand } from './bench';
import { demoCommand } from './demo';
import { evaluateCommand } from './evaluate';
import { infoCommand } from './info';
import { sliceCommand } from './slice';
import { studyMaskingCommand } from './study';
import { trainCommand } from './train';

/** Every command, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  demoCommand,
  trainCommand,
  evaluateCommand,
  infoCommand,
  sliceCommand,
  studyMaskingCommand,
  benchCommand,
];
