/** The client driver: each act is one call of the typed client API (client/*.ts), as the web console makes them. */
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { applicationAction, submitApplication } from '../../client/applications';
import { campaignAction, campaignStatus } from '../../client/campaigns';
import { fileReelection } from '../../client/reelection';
import { importTitles, reevaluationAction, resolveTitleId, titleAction } from '../../client/titles';
import type { ApplicationForm } from '../../domain/application-form';
import type { Directory } from '../../domain/directory';
import { FIVE_GOODS } from '../../domain/grades';
import { fiveScores } from '../acts';
import type { Driver } from '../play';
import { EXAMPLE_FORM } from './cli';

export interface ClientDriverOptions {
  client: Client;
  year: number;
  directory: Directory;
  /** Where new workflows (applications, titles) run; default the configured task queue. */
  taskQueue?: string;
  /** The form every committee submits (default data/example-form.json, as the CLI sends it). */
  form?: Partial<ApplicationForm>;
}

const scoresOf = (total: number) =>
  Object.fromEntries(fiveScores(total).map((v, i) => [FIVE_GOODS[i], v])) as Record<
    (typeof FIVE_GOODS)[number],
    number
  >;

export function clientDriver(o: ClientDriverOptions): Driver {
  const { client, year, directory, taskQueue } = o;
  const form = o.form ?? (JSON.parse(readFileSync(EXAMPLE_FORM, 'utf8')) as Partial<ApplicationForm>);
  return {
    async phase() {
      return (await campaignStatus(client, year)).phase;
    },
    async perform(act, objections) {
      switch (act.kind) {
        case 'submit':
          await submitApplication(client, { year, directory, committeeId: act.committee, form, taskQueue });
          return {};
        case 'recordPaperForm':
          await applicationAction(client, year, act.committee, 'recordPaperForm', {
            actor: act.actor,
            receivedOn: act.receivedOn,
          });
          return {};
        case 'recommend':
          await applicationAction(client, year, act.committee, 'recommend', { actor: act.actor });
          return {};
        case 'notRecommend':
          await applicationAction(client, year, act.committee, 'notRecommend', {
            actor: act.actor,
            reason: act.reason,
          });
          return {};
        case 'confirmList':
          await campaignAction(client, year, 'confirmList', { actor: act.actor });
          return {};
        case 'recordInspection':
          await applicationAction(client, year, act.committee, 'recordInspection', {
            actor: act.actor,
            scores: scoresOf(act.total),
            total: act.total,
            inspector: act.inspector,
            date: act.date,
            notes: act.notes,
          });
          return {};
        case 'panelVote':
          await campaignAction(client, year, 'panelVote', {
            actor: act.actor,
            committeeId: act.committee,
            support: true,
          });
          return {};
        case 'panelFinalize':
          await campaignAction(client, year, 'panelFinalize', {
            actor: act.actor,
            ranking: act.ranking,
            tieBreakRule: act.tieBreakRule,
          });
          return {};
        case 'fileObjection': {
          const r = await campaignAction(client, year, 'fileObjection', {
            name: act.name,
            contact: act.contact,
            grounds: act.grounds,
            committeeId: act.committee,
          });
          return { objectionId: r.objectionId };
        }
        case 'resolveObjection': {
          const objectionId = objections[act.key];
          if (!objectionId) throw new Error(`resolveObjection: the ${act.key} objection has not been filed`);
          await campaignAction(client, year, 'resolveObjection', {
            actor: act.actor,
            objectionId,
            outcome: act.outcome,
            reason: act.reason,
          });
          return {};
        }
        case 'confirmFinal':
          await campaignAction(client, year, 'confirmFinal', { actor: act.actor });
          return {};
        case 'importTitles':
          await importTitles(client, { data: JSON.parse(readFileSync(act.file, 'utf8')), directory, taskQueue });
          return {};
        case 'submitMaterials':
          await reevaluationAction(client, year, act.committee, 'submitMaterials', {
            actor: act.committee,
            summary: act.summary,
          });
          return {};
        case 'fileReelection':
          await fileReelection(client, {
            directory,
            committeeId: act.committee,
            actor: act.actor,
            filingRef: act.filingRef,
            taskQueue,
          });
          return {};
        case 'recordReevaluation':
          await reevaluationAction(client, year, act.committee, 'recordInspection', {
            actor: act.actor,
            scores: scoresOf(act.total),
            total: act.total,
            inspector: act.inspector,
            date: act.date,
          });
          return {};
        case 'preReview':
          await reevaluationAction(client, year, act.committee, 'preReview', { actor: act.actor });
          return {};
        case 'confirmReevaluation':
          await reevaluationAction(client, year, act.committee, 'confirm', { actor: act.actor });
          return {};
        case 'confirmRecovery':
          await titleAction(client, await resolveTitleId(client, act.committee), 'confirmRecovery', {
            actor: act.actor,
          });
          return {};
      }
    },
  };
}
