/**
 * The CLI driver: each act is the command line a person of the cast types (`npm run cli -- …`). The CLI runs in
 * this process (runCli, as the demo does) or as a process of its own (`tsx cli/main.ts`, as a person runs it).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../../cli/main';
import type { CampaignPhase } from '../../domain/stages';
import { fiveScores, type Act } from '../acts';
import type { Driver, Objections } from '../play';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}
export type Cli = (argv: string[]) => Promise<CliResult>;

const ROOT = join(__dirname, '..', '..');
export const EXAMPLE_FORM = join(ROOT, 'data', 'example-form.json');

/** The CLI in this process: its output is captured, not printed. */
export const inProcessCli: Cli = async (argv) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
};

/** The CLI as a process of its own, with this process's environment (TEMPORAL_ADDRESS, TASK_QUEUE, …) and `env`. */
export function processCli(env: NodeJS.ProcessEnv = {}): Cli {
  return (argv) =>
    new Promise((done) => {
      execFile(
        process.execPath,
        [require.resolve('tsx/cli'), join(ROOT, 'cli', 'main.ts'), ...argv],
        { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          done({ code, stdout: stdout.trimEnd(), stderr: stderr.trimEnd() });
        },
      );
    });
}

/** The command line of an act. Resolutions name the objection by the id the campaign gave it when it was filed. */
export function cliArgv(act: Act, year: number, objections: Objections): string[] {
  const y = ['--year', String(year)];
  switch (act.kind) {
    case 'submit':
      return ['application', 'submit', ...y, '--as', act.committee, '--form', EXAMPLE_FORM];
    case 'recordPaperForm':
      return [
        'application',
        'record-paper-form',
        ...y,
        '--committee',
        act.committee,
        '--as',
        act.actor,
        '--received-on',
        act.receivedOn,
      ];
    case 'recommend':
      return ['subdistrict', 'recommend', ...y, '--committee', act.committee, '--as', act.actor];
    case 'notRecommend':
      return ['subdistrict', 'reject', ...y, '--committee', act.committee, '--as', act.actor, '--reason', act.reason];
    case 'confirmList':
      return ['subdistrict', 'confirm-list', ...y, '--as', act.actor];
    case 'recordInspection':
      return [
        'inspection',
        'record',
        ...y,
        '--committee',
        act.committee,
        '--as',
        act.actor,
        '--scores',
        fiveScores(act.total).join(','),
        '--inspector',
        act.inspector,
        '--date',
        act.date,
        '--notes',
        act.notes,
      ];
    case 'panelVote':
      return ['panel', 'vote', ...y, '--committee', act.committee, '--as', act.actor, '--support', 'yes'];
    case 'panelFinalize':
      return [
        'panel',
        'finalize',
        ...y,
        '--as',
        act.actor,
        '--ranking',
        act.ranking.join(','),
        '--tie-break-rule',
        act.tieBreakRule,
      ];
    case 'fileObjection':
      return [
        'objection',
        'file',
        ...y,
        '--committee',
        act.committee,
        '--name',
        act.name,
        '--contact',
        act.contact,
        '--grounds',
        act.grounds,
        '--json',
      ];
    case 'resolveObjection': {
      const id = objections[act.key];
      if (!id) throw new Error(`resolveObjection: the ${act.key} objection has not been filed`);
      return [
        'objection',
        'resolve',
        ...y,
        '--as',
        act.actor,
        '--objection',
        id,
        '--outcome',
        act.outcome,
        '--reason',
        act.reason,
      ];
    }
    case 'confirmFinal':
      return ['campaign', 'confirm', ...y, '--as', act.actor];
    case 'importTitles':
      return ['title', 'import', '--file', act.file];
    case 'submitMaterials':
      return ['reevaluation', 'submit-materials', ...y, '--as', act.committee, '--summary', act.summary];
    case 'fileReelection':
      return [
        'committee',
        'file-reelection',
        '--committee',
        act.committee,
        '--as',
        act.actor,
        '--filing-ref',
        act.filingRef,
      ];
    case 'recordReevaluation':
      return [
        'reevaluation',
        'record-inspection',
        ...y,
        '--committee',
        act.committee,
        '--as',
        act.actor,
        '--scores',
        fiveScores(act.total).join(','),
        '--inspector',
        act.inspector,
        '--date',
        act.date,
      ];
    case 'preReview':
      return ['reevaluation', 'pre-review', ...y, '--committee', act.committee, '--as', act.actor];
    case 'confirmReevaluation':
      return ['reevaluation', 'confirm', ...y, '--committee', act.committee, '--as', act.actor];
    case 'confirmRecovery':
      return ['title', 'confirm-recovery', '--committee', act.committee, '--as', act.actor];
  }
}

/** Plays acts through `cli`; a command that exits non-zero fails the act with its one-line error. */
export function cliDriver(cli: Cli, year: number): Driver {
  const run = async (argv: string[]) => {
    const r = await cli(argv);
    if (r.code !== 0) throw new Error(`\`${argv.join(' ')}\` failed: ${r.stderr.trim()}`);
    return r.stdout;
  };
  return {
    async perform(act, objections) {
      const out = await run(cliArgv(act, year, objections));
      return act.kind === 'fileObjection' ? { objectionId: JSON.parse(out).objectionId as string } : {};
    },
    async phase() {
      return JSON.parse(await run(['campaign', 'status', '--year', String(year), '--json'])).phase as CampaignPhase;
    },
  };
}
