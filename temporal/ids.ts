/** Workflow ids, one scheme for workflows, activities and the CLI. */
export const campaignWorkflowId = (year: number) => `campaign-${year}`;
export const applicationWorkflowId = (year: number, committeeId: string) => `application-${year}-${committeeId}`;
export const titleWorkflowId = (committeeId: string, awardYear: number) => `title-${committeeId}-${awardYear}`;
export const reevaluationWorkflowId = (year: number, committeeId: string) => `reevaluation-${year}-${committeeId}`;
export const TASK_QUEUE = 'red-model-committees';
