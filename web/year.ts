/** Which campaign the console shows: configured, or the running campaign with the highest year (one listing, cached). */
import type { Client } from '@temporalio/client';
import { CampaignYear } from '../domain/search-attributes';

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
      for await (const wf of client.workflow.list({ query: `WorkflowType = 'campaign' AND ExecutionStatus = 'Running'` })) {
        const y = Number(wf.typedSearchAttributes.get(CampaignYear));
        if (Number.isInteger(y) && (year === undefined || y > year)) year = y;
      }
      cached = { year, at: Date.now() };
      return year;
    },
  };
}
