/** The CLI answers to each action's own name where its short verb differs (cli/commands/README.md); no server needed. */
import { describe, expect, it } from 'vitest';
import { inProcessCli } from '../scenario/drivers/cli';
import { COMMANDS } from '../cli/commands';
import { campaignActionSchemas } from '../workflows/campaign/messages';
import { applicationActionSchemas } from '../workflows/application/messages';
import { reevaluationActionSchemas } from '../workflows/reevaluation/messages';

const cli = inProcessCli;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('CLI verbs and action names', () => {
  it.each([
    ['subdistrict not-recommend', 'subdistrict reject', 'notRecommend', applicationActionSchemas],
    ['campaign confirm-final', 'campaign confirm', 'confirmFinal', campaignActionSchemas],
    ['campaign extend-deadline', 'campaign extend', 'extendDeadline', campaignActionSchemas],
    ['campaign remove-from-list', 'campaign remove', 'removeFromList', campaignActionSchemas],
    ['reevaluation extend-deadline', 'reevaluation extend', 'extendDeadline', reevaluationActionSchemas],
  ] as const)('%s is the command %s, which sends %s', async (alias, command, action, table) => {
    expect(Object.keys(table)).toContain(action);
    expect(alias.split(' ')[1]).toBe(kebab(action));
    expect(COMMANDS.find((c) => c.name === command)?.aliases).toContain(alias);
    // Both names reach the same command: the same flag error, before any connection is made.
    const [byAlias, byName] = [await cli([...alias.split(' ')]), await cli([...command.split(' ')])];
    expect(byAlias.code).toBe(1);
    expect(byAlias.stderr).toMatch(/^error: --\S+ is required/);
    expect(byAlias.stderr).toBe(byName.stderr);
  });

  it('lists the aliases in help, and no two commands share a name', async () => {
    const help = await cli(['help']);
    expect(help.stdout).toContain('(also: subdistrict not-recommend)');
    const names = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
  });
});
