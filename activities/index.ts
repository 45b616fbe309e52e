/** Activities, built by a factory so the worker (and tests) inject the Temporal client and the mailer. */
import type { Client } from '@temporalio/client';
import { notifyApplicationsActivity } from './notify-applications';

export interface ActivityDeps {
  client: Client;
}

export function createActivities(deps: ActivityDeps) {
  return {
    notifyApplications: notifyApplicationsActivity(deps.client),
  };
}
