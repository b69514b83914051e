// Every CLI subcommand, in the order `--help` lists them. Add a command: one file, one line here.
import type { Command } from '../command';
import { conformanceCommand } from './conformance';
import { embedCommand } from './embed';
import { exportCommand } from './export';
import { listCommand } from './list';
import { neighborsCommand } from './neighbors';
import { resumeCommand } from './resume';
import { trainCommand } from './train';
import { validateCommand } from './validate';

export const COMMANDS: readonly Command[] = [
  validateCommand,
  trainCommand,
  resumeCommand,
  listCommand,
  neighborsCommand,
  embedCommand,
  exportCommand,
  conformanceCommand,
];
