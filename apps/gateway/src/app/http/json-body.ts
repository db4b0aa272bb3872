import { DomainError, ErrorCode } from '@circulate/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem, problemWithStatus } from './problem';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first key anywhere in a parsed document that could reach MongoDB as an operator (`$…`) or
 * a path (`a.b`), or pollute a prototype. A walk after `JSON.parse` rather than a reviver:
 * a reviver is called for every value and made the parse of an order's body several times
 * slower. `JSON.parse` makes `__proto__` an own key, so the walk sees it.
 */
function unsafeKey(document: unknown): string | undefined {
  const stack: unknown[] = [document];
  while (stack.length) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const v of value) stack.push(v);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key.charCodeAt(0) === 36 /* $ */ || key.includes('.') || FORBIDDEN_KEYS.has(key)) return key;
      stack.push((value as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

/** `1mb`, `960kb`, `512b` → bytes (binary units, as body-parser counted them). */
export function parseByteSize(spec: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(spec.trim());
  if (!m) throw new Error(`not a byte size: ${spec}`);
  const unit = m[2].toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

const unsupported = (detail: string) => new HttpProblem(problemWithStatus(ErrorCode.VALIDATION_FAILED, 415, detail));

/**
 * The only bodies the gateway reads: `application/json` (UTF-8), and on PATCH also
 * `application/merge-patch+json`, parsed the same way and applied like a JSON PATCH body (a
 * partial update of the fields it names). Every other content type, or a body without one,
 * is 415 before any route runs (Fastify answers that for types with no parser), so nothing
 * changes. Keys that could reach MongoDB as operators (`$…`), paths (`a.b`) or pollute
 * prototypes are refused anywhere in the document (400).
 */
export function registerJsonBody(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  const parse = (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      return done(unsupported(`the charset ${charset} is not supported: send UTF-8`));
    }
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.length === 0) return done(null, undefined);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return done(new DomainError(ErrorCode.VALIDATION_FAILED, 'the body is not valid JSON'));
    }
    const key = unsafeKey(document);
    if (key !== undefined)
      return done(new DomainError(ErrorCode.VALIDATION_FAILED, `the key "${key}" is not allowed in a body`));
    done(null, document);
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, parse);
  fastify.addContentTypeParser('application/merge-patch+json', { parseAs: 'string', bodyLimit }, (req, body, done) => {
    if (req.method !== 'PATCH') {
      return done(unsupported('application/merge-patch+json is accepted on PATCH only: send application/json'));
    }
    parse(req, body, done);
  });
}
