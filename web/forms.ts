/** Form helpers: per-form nonces (the Update id), and zod issues as Chinese messages next to their fields. */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';

export interface FieldError {
  field?: string;
  message: string;
}

export const newNonce = (): string => randomUUID();
const NONCE = /^[0-9a-f-]{36}$/;

/** The Update id of one rendered form: a repeated submission (double click, reload) is one Update. */
export function updateIdOf(personId: string, nonce: unknown): string | undefined {
  return typeof nonce === 'string' && NONCE.test(nonce) ? `web-${personId}-${nonce}` : undefined;
}

/** zod issues → one Chinese line per field, with the field's label. */
export function chineseIssues(error: z.ZodError, labels: Record<string, string>): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.');
    if (seen.has(field)) continue;
    seen.add(field);
    const label = labels[field] ?? field;
    const i = issue as any;
    let message: string;
    if (issue.code === 'too_small')
      message =
        i.origin === 'string'
          ? Number(i.minimum) <= 1
            ? `请填写${label}`
            : `${label}至少 ${i.minimum} 个字`
          : `${label}不能小于 ${i.minimum}`;
    else if (issue.code === 'too_big')
      message = i.origin === 'string' ? `${label}不能超过 ${i.maximum} 个字` : `${label}不能大于 ${i.maximum}`;
    else if (issue.code === 'invalid_type') message = i.expected === 'number' ? `${label}须填写整数` : `请填写${label}`;
    else if (issue.code === 'invalid_format' || issue.code === 'invalid_value') message = `${label}格式不正确`;
    else message = `${label}：${issue.message}`;
    out.push({ field: field.replace(/\./g, '-'), message });
  }
  return out;
}

export function fieldMap(errors: FieldError[]): Record<string, string> {
  return Object.fromEntries(errors.filter((e) => e.field).map((e) => [e.field!, e.message]));
}
