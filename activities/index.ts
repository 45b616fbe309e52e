/** Activities, built by a factory so the worker (and tests) inject the Temporal client and the mailer. */
import type { Client } from '@temporalio/client';
import type { Mailer } from './mailer';
import { notifyApplicationsActivity } from './notify-applications';
import { sendMailActivity } from './send-mail';
import { titleActivities } from './titles';
import { kickoffActivities, type KickoffOptions } from './kickoff';
import { publicObjectionActivities } from './public-objection';

export interface ActivityDeps {
  client: Client;
  /** Outgoing mail (activities/mailer.ts: createMailer()). */
  mailer: Mailer;
  /** The yearly kickoff's holiday files, directory and clock (activities/kickoff.ts). */
  kickoff?: KickoffOptions;
}

export function createActivities(deps: ActivityDeps) {
  return {
    notifyApplications: notifyApplicationsActivity(deps.client),
    sendMail: sendMailActivity(deps.mailer),
    ...titleActivities(deps.client),
    ...kickoffActivities(deps.client, deps.mailer, deps.kickoff),
    ...publicObjectionActivities(deps.client),
  };
}
