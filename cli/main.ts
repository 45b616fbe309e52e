/**
 * The command line: `npm run cli -- <group> <action> [--flags]`. One readable line and exit code 1
 * on any error; `--json` for machine output.
 */
import type { Client } from '@temporalio/client';
import type { Directory } from '../domain/directory';
import type { z } from 'zod';
import { COMMANDS } from './commands';
import type { CommandContext } from './commands/command';
import { createClient } from '../client/connection';
import { loadDirectory } from '../client/directory';
import { explain, UserError } from '../client/errors';

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `--k v`, `--k=v` and bare `--flag` (true). Repeating a flag is an error, not a silent overwrite. */
export function parseFlags(args: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--') || a === '--')
      throw new UserError(`unexpected argument ${JSON.stringify(a)}; flags look like --name value`);
    const eq = a.indexOf('=');
    const key = camel(eq > 0 ? a.slice(2, eq) : a.slice(2));
    let value: string | true;
    if (eq > 0) value = a.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) value = args[++i];
    else value = true;
    if (key in out) throw new UserError(`--${a.slice(2).split('=')[0]} given twice`);
    out[key] = value;
  }
  return out;
}

const kebab = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** zod's issues in the words of the command line: `--review-closes: must be a date`. */
function flagErrorLine(error: z.ZodError, given: Record<string, unknown>): string {
  return error.issues
    .slice(0, 3)
    .map((i) => {
      if (i.code === 'unrecognized_keys') return `unknown flag ${i.keys.map(kebab).join(', ')}`;
      const [first, ...rest] = i.path.map(String);
      const where = first ? kebab(first) + rest.map((r) => `.${r}`).join('') : '(flags)';
      return first && !(first in given) && i.code === 'invalid_type'
        ? `${where} is required`
        : `${where}: ${i.message}`;
    })
    .join('; ');
}

function usage(): string {
  const lines = ['Usage: npm run cli -- <group> <action> [--flags]   (--json for machine output)', ''];
  for (const c of COMMANDS)
    lines.push(`  ${c.name.padEnd(30)} ${c.summary}${c.aliases ? ` (also: ${c.aliases.join(', ')})` : ''}`);
  return lines.join('\n');
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}
const STDIO: CliIo = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

export async function runCli(argv: string[], io: CliIo = STDIO): Promise<number> {
  const out = io.out;
  let client: Client | undefined;
  try {
    if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
      out(usage());
      return 0;
    }
    // Most commands are two words; a few are three (`campaign schedule show`).
    const three = argv.slice(0, 3).join(' ');
    const name = `${argv[0]} ${argv[1] ?? ''}`.trim();
    // A command answers to its name and to its aliases (cli/commands/README.md).
    const named = (n: string) => COMMANDS.find((c) => c.name === n || c.aliases?.includes(n));
    const words = named(three) ? 3 : 2;
    const cmd = named(three) ?? named(name);
    if (!cmd) throw new UserError(`unknown command "${name}"; run \`npm run cli -- help\``);
    const raw = parseFlags(argv.slice(words));
    const json = raw.json === true;
    const parsed = cmd.flags.safeParse(raw);
    if (!parsed.success) throw new UserError(flagErrorLine(parsed.error, raw));
    let directory: Directory | undefined;
    const ctx: CommandContext = {
      json,
      say: (line) => {
        if (!json) out(line);
      },
      directory: () => (directory ??= loadDirectory()),
      client: async () => (client ??= await createClient()),
    };
    const result = await cmd.run(parsed.data, ctx);
    if (json) out(JSON.stringify(result, null, 2));
    return 0;
  } catch (err) {
    io.err(`error: ${explain(err)}`);
    return 1;
  } finally {
    await client?.connection.close();
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
