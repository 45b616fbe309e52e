/**
 * Temporal's remote codec protocol (`POST /codec/decode`, `POST /codec/encode`) for the Temporal Web UI and CLI:
 * the same AES-256-GCM codec as the worker, for bureau staff only.
 *
 * Who may call: a signed-in bureau session (the console's cookie). The Web UI sends it when its codec setting
 * "Include cross-origin credentials" is on; the cookie is SameSite=Lax, which a fetch from the UI on the same host
 * (another port is the same site) carries. Everyone else gets 401 (no session) or 403 (not bureau, or an origin
 * that is not the UI's). CORS answers only the configured UI origins, with credentials.
 *
 * Decoding is reading personal data, so each call is logged with the person's id, the namespace and the count of
 * payloads: never their content.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { EncryptionCodec, keyringFromEnv, MissingKeyError } from '../../client/codec';

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const PayloadsBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), Base64).optional(), data: Base64.optional() }))
    .max(10_000),
});
type JsonPayload = z.infer<typeof PayloadsBody>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecRouteOptions {
  /** Origins allowed to call with credentials, e.g. the dev server's UI `http://127.0.0.1:8233`. */
  allowedOrigins: string[];
  codec?: EncryptionCodec;
}

// Payloads of a whole history come in one call: a campaign's carried state alone can be a few hundred kB.
const BODY_LIMIT = 16 * 1024 * 1024;

export function registerCodecRoutes(app: FastifyInstance, opts: CodecRouteOptions): void {
  const codec = opts.codec ?? new EncryptionCodec(keyringFromEnv());
  const allowed = new Set(opts.allowedOrigins);

  const cors = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const origin = request.headers.origin;
    if (origin === undefined) return true; // the CLI and same-origin calls send none
    if (!allowed.has(origin)) return false;
    reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-credentials', 'true')
      .header('vary', 'Origin');
    return true;
  };

  for (const op of ['decode', 'encode'] as const) {
    const url = `/codec/${op}`;
    app.options(url, async (request, reply) => {
      if (!cors(request, reply)) return reply.code(403).send({ error: 'origin not allowed' });
      return reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type, x-namespace, authorization')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    });
    app.post(url, { bodyLimit: BODY_LIMIT, config: { csrf: false } }, async (request, reply) => {
      if (!cors(request, reply)) return reply.code(403).send({ error: 'origin not allowed' });
      const actor = request.actor;
      if (!actor) return reply.code(401).send({ error: 'sign in to the console as bureau staff first' });
      if (actor.role !== 'bureau') return reply.code(403).send({ error: 'only bureau staff may decode payloads' });
      const body = PayloadsBody.safeParse(request.body);
      if (!body.success) {
        const i = body.error.issues[0];
        return reply.code(400).send({ error: `${i.path.join('.') || 'body'}: ${i.message}` });
      }
      const namespace = String(request.headers['x-namespace'] ?? '');
      try {
        const payloads = body.data.payloads.map(fromJson);
        const out = op === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
        request.log.info({ event: `codec-${op}`, person: actor.id, namespace, payloads: payloads.length }, 'codec');
        return reply.send({ payloads: out.map(toJson) });
      } catch (err) {
        const message = err instanceof MissingKeyError ? err.message : `cannot ${op}: ${(err as Error).message}`;
        request.log.warn({ event: `codec-${op}-failed`, person: actor.id, namespace, error: message }, 'codec');
        return reply.code(422).send({ error: message });
      }
    });
  }
}
