/** Every CLI command, grouped by the role of the person who uses it. */
import type { Command } from './command';
import { campaignCommands } from './campaign';
import { applicationCommands } from './application';
import { reviewCommands } from './review';
import { titleCommands } from './titles';
import { scheduleCommands } from './schedule';
import { oversightCommands } from './oversight';
import { draftListCommands } from './draft-list';
import { reelectionCommands } from './reelection';

export const COMMANDS: Command[] = [
  ...campaignCommands,
  ...applicationCommands,
  ...reviewCommands,
  ...titleCommands,
  ...scheduleCommands,
  ...oversightCommands,
  ...draftListCommands,
  ...reelectionCommands,
];
