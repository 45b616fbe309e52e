/** Workflow ids, one scheme for workflows, activities and the CLI. */
export const campaignWorkflowId = (year: number) => `campaign-${year}`;
export const applicationWorkflowId = (year: number, committeeId: string) => `application-${year}-${committeeId}`;
export const titleWorkflowId = (committeeId: string, awardYear: number) => `title-${committeeId}-${awardYear}`;
export const reevaluationWorkflowId = (year: number, committeeId: string) => `reevaluation-${year}-${committeeId}`;
export const TASK_QUEUE = 'red-model-committees';
/**
 * A 街镇's application reports in one year, on their way to the campaign in batches (workflows/subdistrict-reports/):
 * `reports-<year>-<街镇>` where the 街镇 has one relay, `reports-<year>-<街镇>-<shard>` (1…n) where it has more.
 */
export const subdistrictReportsWorkflowId = (year: number, subdistrict: string, shard?: number) =>
  shard === undefined ? `reports-${year}-${subdistrict}` : `reports-${year}-${subdistrict}-${shard}`;
