// zod is shared by every workflow of a worker (worker/shared-zod.ts) only if each write zod makes to its frozen
// regexes is guarded when the bundle is built: the loader must guard every one and refuse what it cannot.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(__filename);
const guard = require('../worker/zod-regex-guard.cjs') as (this: { resourcePath: string }, source: string) => string;
const run = (source: string) => guard.call({ resourcePath: 'sample.js' }, source);

describe('the zod regex guard', () => {
  it('guards a reset, also in the code zod generates, and leaves a regex test alone', () => {
    expect(run('def.pattern.lastIndex = 0;\nreturn def.pattern.test(x);')).toBe(
      'if (def.pattern.global || def.pattern.sticky) def.pattern.lastIndex = 0;\nreturn def.pattern.test(x);',
    );
    expect(run('doc.write(`${p}.lastIndex = 0;`);')).toBe(
      'doc.write(`if (${p}.global || ${p}.sticky) ${p}.lastIndex = 0;`);',
    );
  });

  it('refuses a write it does not know, naming the file', () => {
    expect(() => run('re.lastIndex = start;')).toThrow(/sample\.js: 1 lastIndex write\(s\) of an unknown shape/);
  });

  it("guards every write in the installed zod's files", () => {
    const root = dirname(require.resolve('zod/package.json'));
    let guarded = 0;
    for (const dir of ['v4/core', 'v4/classic']) {
      for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.js'))) {
        const out = guard.call({ resourcePath: file }, readFileSync(join(root, dir, file), 'utf8'));
        guarded += out.match(/\.sticky\) /g)?.length ?? 0;
      }
    }
    // zod 4.6: two in its checks, three in its schemas, two in the parsers it generates.
    expect(guarded).toBeGreaterThanOrEqual(7);
  });
});
