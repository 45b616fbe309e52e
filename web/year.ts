/** Which campaign the console shows: configured, or the running campaign with the highest year (one listing, cached). */
import type { Client } from '@temporalio/client';
import { CampaignYear } from '../temporal/search-attributes';
import { attribute, listWorkflows, visibilityQuery } from '../client/visibility';

export interface YearResolver {
  current(): Promise<number | undefined>;
}

const CACHE_MS = 5_000;

export function createYearResolver(client: Client, configured?: number): YearResolver {
  let cached: { year: number | undefined; at: number } | undefined;
  return {
    async current() {
      if (configured) return configured;
      if (cached && Date.now() - cached.at < CACHE_MS) return cached.year;
      let year: number | undefined;
      const query = visibilityQuery('campaign', {}, [`ExecutionStatus = 'Running'`]);
      for (const y of await listWorkflows(client, query, (wf) => Number(attribute(wf, CampaignYear)))) {
        if (Number.isInteger(y) && (year === undefined || y > year)) year = y;
      }
      cached = { year, at: Date.now() };
      return year;
    },
  };
}
