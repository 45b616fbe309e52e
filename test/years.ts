/**
 * The campaign years (workflow-id labels) each test file uses, handed out here so that no two files share one: on
 * the shared dev server a year used twice makes two files start, list or terminate each other's workflows.
 * Importing this module checks that every year is listed once.
 */
export const TEST_YEARS = {
  // A real year: the campaign test starts it through the CLI with the example holiday file.
  'campaign.test.ts': [2027],
  'cli-round.test.ts': [2091],
  'client-input.test.ts': [2093],
  'titles-cli.test.ts': [2094],
  'fuzz.test.ts': [2097],
  'notify-applications.test.ts': [2071],
  'campaign-notices.test.ts': [2072],
  'submission.test.ts': [2061, 2062, 2063],
  'public-objection.test.ts': [2074],
  'web/console.test.ts': [2088, 2038],
  'web/documents.test.ts': [2084],
  'web/public.test.ts': [2076, 2077],
  'web/reevaluation.test.ts': [2082, 2081],
  'web/selection.test.ts': [2086],
  'faults/round.ts': [2095],
  'faults/sdk-conditions.spec.ts': [2096],
} as const satisfies Record<string, readonly number[]>;

export type TestFile = keyof typeof TEST_YEARS;

/** Years listed for more than one file, as "year: a, b" lines (empty when every year is used once). */
export function sharedYears(table: Record<string, readonly number[]> = TEST_YEARS): string[] {
  const owners = new Map<number, string[]>();
  for (const [file, years] of Object.entries(table))
    for (const y of years) owners.set(y, [...(owners.get(y) ?? []), file]);
  return [...owners].filter(([, files]) => files.length > 1).map(([y, files]) => `${y}: ${files.join(', ')}`);
}

const shared = sharedYears();
if (shared.length) throw new Error(`test/years.ts: a campaign year is listed for two test files: ${shared.join('; ')}`);

/** The (first) year of a test file. */
export function yearOf(file: TestFile): number {
  return TEST_YEARS[file][0];
}
