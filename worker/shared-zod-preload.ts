/**
 * Evaluated once in the workflow sandbox's shared context before any workflow (worker/shared-zod.ts): it loads
 * zod, and reads the one value zod caches on an exported object, which is frozen once this module has run.
 */
import { z } from 'zod';
import { util } from 'zod/v4/core';

void util.allowsEval.value;
// One parse of an object with a string format warms the paths every workflow's first validation takes.
void z.object({ at: z.iso.date() }).safeParse({ at: '2023-05-31' });
