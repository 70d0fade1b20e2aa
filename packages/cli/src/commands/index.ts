import type { Command } from '../command';
import { benchCommand } from './bench';
import { demoCommand } from './demo';
import { evaluateCommand } from './evaluate';
import { infoCommand } from './info';
import { pruneCommand } from './prune';
import { restructureCommand } from './restructure';
import { studyRestructureCommand } from './study-restructure';
import { studyReadaptCommand } from './study-readapt';
import { attackCommand } from './attack';
import { readaptCommand } from './readapt';
import { sliceCommand } from './slice';
import { reportCommand } from './report';
import { studyMaskingCommand } from './study';
import { studyRq1Command } from './study-rq1';
import { trainCommand } from './train';
import { incrementalCommand } from './incremental';
import { studyIncrementalCommand } from './study-incremental';
import { reproduceCommand } from './reproduce';

/** Every command, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  demoCommand,
  trainCommand,
  evaluateCommand,
  infoCommand,
  sliceCommand,
  reportCommand,
  restructureCommand,
  pruneCommand,
  studyMaskingCommand,
  studyRq1Command,
  studyRestructureCommand,
  attackCommand,
  readaptCommand,
  studyReadaptCommand,
  incrementalCommand,
  studyIncrementalCommand,
  reproduceCommand,
  benchCommand,
];
