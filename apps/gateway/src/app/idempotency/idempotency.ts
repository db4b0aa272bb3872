import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  OnModuleInit,
  RequestMethod,
  Type,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { InjectConnection } from '@nestjs/mongoose';
import { DomainError, ErrorCode } from '@circulate/contracts';
import { isDuplicateKeyError } from '@circulate/platform/persistence';
import type { Collection, Connection } from 'mongoose';
import { from, Observable, of, switchMap, tap, catchError, throwError } from 'rxjs';
import { sha256 } from '../auth/api-keys';
import type { AuthedRequest } from '../auth/auth.guard';

interface IdempotencyRecord {
  _id: string;
  bodyHash: string;
  state: 'pending' | 'done';
  status?: number;
  body?: unknown;
  createdAt: Date;
}

/** What this needs of the reply (Fastify's or Express's: both have these). */
interface ReplyLike {
  statusCode: number;
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

const HEADER = 'idempotency-key';
const RETENTION_MS = 24 * 3600_000;

/** Canonical JSON (sorted keys) so that the same body in another key order is the same body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its answer is stored (the
 * record's `_id` is unique, so two racing first requests cannot both run); the same key with
 * the same body replays that answer; with another body it is 409. A request that fails is
 * forgotten, so it may be retried with the same key. Records are kept 24 hours.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnModuleInit {
  private readonly records: Collection<IdempotencyRecord>;

  constructor(@InjectConnection() db: Connection) {
    this.records = db.collection<IdempotencyRecord>('idempotency_keys');
  }

  async onModuleInit(): Promise<void> {
    await this.records.createIndex({ createdAt: 1 }).catch(() => undefined);
    const sweep = setInterval(() => {
      void this.records.deleteMany({ createdAt: { $lt: new Date(Date.now() - RETENTION_MS) } }).catch(() => undefined);
    }, 10 * 60_000);
    sweep.unref();
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const key = req.headers[HEADER];
    if (req.method !== 'POST' || typeof key !== 'string' || !req.principal) return next.handle();
    if (key.length < 1 || key.length > 255) throw DomainError.invalid('Idempotency-Key', 'must be 1 to 255 characters');
    const res = context.switchToHttp().getResponse<ReplyLike>();
    const id = sha256(`${req.principal.tenantId}\n${req.method} ${req.originalUrl ?? req.url}\n${key}`);
    const bodyHash = sha256(canonicalJson(req.body ?? {}));

    return from(this.claim(id, bodyHash)).pipe(
      switchMap((existing) => {
        if (existing) {
          res.status(existing.status ?? 200);
          res.header('Idempotent-Replayed', 'true');
          return of(existing.body);
        }
        return next.handle().pipe(
          tap((body) => {
            void this.records
              .updateOne({ _id: id }, { $set: { state: 'done', status: res.statusCode, body } })
              .catch(() => undefined);
          }),
          catchError((err: unknown) =>
            from(this.records.deleteOne({ _id: id }).catch(() => undefined)).pipe(
              switchMap(() => throwError(() => err)),
            ),
          ),
        );
      }),
    );
  }

  /** Returns the stored answer to replay, or null when this request is the first and may run. */
  private async claim(id: string, bodyHash: string): Promise<IdempotencyRecord | null> {
    try {
      await this.records.insertOne({ _id: id, bodyHash, state: 'pending', createdAt: new Date() });
      return null;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const existing = await this.records.findOne({ _id: id });
    if (!existing) return this.claim(id, bodyHash);
    if (existing.bodyHash !== bodyHash) {
      throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was used with a different body');
    }
    if (existing.state !== 'done') {
      throw new DomainError(ErrorCode.CONFLICT, 'a request with this Idempotency-Key is still in progress');
    }
    return existing;
  }
}

/**
 * Puts IdempotencyInterceptor on every POST route of `controllers` (as `@UseInterceptors` on
 * each would) and on nothing else. It was global: it only acts on POST, but Nest's interceptor
 * chain costs every route two AsyncResource bindings per request (a tenth of the gateway's CPU
 * on a GET). New controllers listed in the gateway module get it on their POST routes too.
 */
export function idempotentPosts<T extends Type<unknown>[]>(controllers: T): T {
  for (const controller of controllers) {
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
      const own: unknown[] = Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? [];
      if (!own.includes(IdempotencyInterceptor)) {
        Reflect.defineMetadata(INTERCEPTORS_METADATA, [IdempotencyInterceptor, ...own], handler);
      }
    }
  }
  return controllers;
}
