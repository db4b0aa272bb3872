import { ErrorCode } from '@circulate/contracts';
import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { problemFor, sendProblem } from './problem';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class UnsafeKeyError extends Error {}

/**
 * Parses JSON bodies with a size limit, and refuses keys that could reach MongoDB as operators
 * (`$…`), paths (`a.b`) or pollute prototypes, anywhere in the document. Errors answer
 * problem+json here, because body parsing runs before Nest's filters.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = json({
    limit,
    strict: true,
    reviver: (key, value) => {
      if (key !== '' && (key.startsWith('$') || key.includes('.') || FORBIDDEN_KEYS.has(key))) {
        throw new UnsafeKeyError(`the key "${key}" is not allowed in a body`);
      }
      return value;
    },
  });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as { type?: string; status?: number; message?: string };
      if (e instanceof UnsafeKeyError || (e as Error)?.constructor?.name === 'UnsafeKeyError') {
        return sendProblem(res, problemFor(ErrorCode.VALIDATION_FAILED, String(e.message)));
      }
      if (e.type === 'entity.too.large' || e.status === 413) {
        return sendProblem(res, problemFor(ErrorCode.PAYLOAD_TOO_LARGE, `the body is larger than ${limit}`));
      }
      if (e.type === 'entity.parse.failed') {
        const unsafe = /^the key ".*" is not allowed in a body$/.test(String(e.message));
        return sendProblem(
          res,
          problemFor(ErrorCode.VALIDATION_FAILED, unsafe ? String(e.message) : 'the body is not valid JSON'),
        );
      }
      if (e.status === 415 || e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
        return sendProblem(res, {
          ...problemFor(ErrorCode.VALIDATION_FAILED, String(e.message)),
          status: 415,
          title: 'Unsupported Media Type',
        });
      }
      return sendProblem(res, problemFor(ErrorCode.VALIDATION_FAILED, String(e.message ?? 'unreadable body')));
    });
}
