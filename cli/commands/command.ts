/** The shape of a CLI command: flags validated by zod, a run function, output for people and for --json. */
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Directory } from '../../domain/directory';

export interface CommandContext {
  client(): Promise<Client>;
  directory(): Directory;
  json: boolean;
  /** Prints a line for people (suppressed with --json). */
  say(line: string): void;
}

export interface Command<S extends z.ZodType = z.ZodType> {
  /** Two words, group and action ('campaign start'), or three ('campaign schedule show'). */
  name: string;
  /** Other names it answers to: the action's own name where the verb differs (cli/commands/README.md). */
  aliases?: string[];
  summary: string;
  /** Flags as camelCase keys (`--tie-break-rule` → tieBreakRule). Must be a strict object. */
  flags: S;
  /** Returns the machine-readable result printed with --json. */
  run(flags: z.infer<S>, ctx: CommandContext): Promise<unknown>;
}

export function command<S extends z.ZodType>(c: Command<S>): Command {
  return c as unknown as Command;
}
