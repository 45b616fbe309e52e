/**
 * Titles through the CLI on the dev server, which has visibility: import, list by status and 街镇,
 * `campaign start` re-evaluating every active title it lists, re-election, recovery and its duplicate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { DEFAULT_MAILER_CONFIG, type Mailer } from '../activities/mailer';
import { titleStatus } from '../client/titles';
import { cliConnectsTo, cliJson as json, cliRun as cli, eventually, withDevServerWorker } from './harness';
import { yearOf } from './years';

const YEAR = yearOf('titles-cli.test.ts');
const noMail: Mailer = { config: DEFAULT_MAILER_CONFIG, send: async () => ({ response: '250 test' }), close() {} };

// A dev server of its own: `campaign start` re-evaluates every active title the namespace lists, and on the
// run's shared server that would include titles other files left running with no worker to answer them.
const rig = withDevServerWorker('titles-cli', { mailer: noMail }, {});
cliConnectsTo(rig);
let client: Client;
beforeAll(() => void ({ client } = rig()));

describe('titles through the CLI (dev server)', () => {
  it('imports, lists by search attributes, re-evaluates on campaign start, revokes and recovers', async () => {
    const imported = await json('title', 'import', '--file', 'data/titles-2022.json');
    expect(imported.map((r: any) => r.outcome)).toEqual(Array(5).fill('started'));
    const bad = await cli('title', 'import', '--file', 'data/directory.json');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: titles file: /);

    await eventually(async () =>
      expect(
        (await json('title', 'list', '--status', 'active', '--subdistrict', '华阳路街道')).map(
          (r: any) => r.workflowId,
        ),
      ).toContain('title-huayang-002-2022'),
    );
    await cli('campaign', 'start', '--year', String(YEAR), '--weekends-only');
    await eventually(async () =>
      expect((await titleStatus(client, 'title-huayang-002-2022')).current?.year).toBe(YEAR),
    );
    const reev = await json('reevaluation', 'show', '--year', String(YEAR), '--committee', 'huayang-002');
    expect(reev.materialsDue).toBe(`${YEAR}-09-30T16:00:00.000Z`);
    const sent = await cli(
      'reevaluation',
      'submit-materials',
      '--year',
      String(YEAR),
      '--as',
      'huayang-002',
      '--summary',
      '年度书面复评材料：党建引领与制度执行情况',
    );
    expect(sent.stdout).toMatch(/已向华阳路街道提交书面复评材料/);

    const wrong = await cli(
      'incident',
      'record',
      '--committee',
      'huayang-002',
      '--as',
      'official-huayang',
      '--type',
      'other-major-impact',
      '--date',
      '2024-01-10',
      '--description',
      '小区外墙脱落砸伤路人',
    );
    expect(wrong.stderr).toMatch(/^error: rejected \(WrongActor\): recordIncident needs role bureau/);

    const filed = await cli(
      'committee',
      'file-reelection',
      '--committee',
      'huayang-002',
      '--as',
      'official-huayang',
      '--filing-ref',
      'HY-2024-002',
    );
    expect(filed.stdout).toMatch(/称号即时失效/);
    await eventually(async () =>
      expect((await json('title', 'list', '--status', 'revoked')).map((r: any) => r.workflowId)).toContain(
        'title-huayang-002-2022',
      ),
    );
    const shown = await cli('title', 'show', '--committee', 'huayang-002');
    expect(shown.stdout).toMatch(/recovery by 华阳路街道: OPEN/);
    expect(
      (await cli('title', 'confirm-recovery', '--committee', 'huayang-002', '--as', 'official-huayang')).stdout,
    ).toMatch(/已确认回收铭牌与奖状/);
    const again = await cli(
      'title',
      'confirm-recovery',
      '--committee',
      'huayang-002',
      '--award-year',
      '2022',
      '--as',
      'official-huayang',
    );
    expect(again.stderr).toMatch(/^error: rejected \(Duplicate\): 铭牌与奖状已于/);
  });
});
