/**
 * Webpack loader for zod's files in the workflow bundle (worker/shared-zod.ts): each `x.lastIndex = 0;` becomes
 * `if (x.global || x.sticky) x.lastIndex = 0;`, which is the same for every regex (only global and sticky ones
 * read lastIndex) and writes nothing to zod's own frozen regexes. Also in the parsers zod generates as code.
 * A `lastIndex` write of any other shape (a later zod) fails the bundle here rather than a workflow later.
 */
const RESET = /([\w$]+(?:\.[\w$]+)*)\.lastIndex = 0;/g;
const GENERATED_RESET = /`\$\{(\w+)\}\.lastIndex = 0;`/g;
const GUARDED = /if \((\S+)\.global \|\| \1\.sticky\) \1\.lastIndex = 0;/g;

module.exports = function zodRegexGuard(source) {
  const out = source
    .replace(GENERATED_RESET, (_m, v) => `\`if (\${${v}}.global || \${${v}}.sticky) \${${v}}.lastIndex = 0;\``)
    .replace(RESET, (_m, e) => `if (${e}.global || ${e}.sticky) ${e}.lastIndex = 0;`);
  const writes = out.match(/\.lastIndex\s*=(?!=)/g)?.length ?? 0;
  const guarded = out.match(GUARDED)?.length ?? 0;
  if (writes !== guarded)
    throw new Error(
      `${this.resourcePath}: ${writes - guarded} lastIndex write(s) of an unknown shape; zod cannot be shared between workflows (worker/shared-zod.ts)`,
    );
  return out;
};
