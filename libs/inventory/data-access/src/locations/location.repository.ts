import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ErrorCode, EventEnvelope, Location, Page, TenantId } from '@circulate/contracts';
import { isDuplicateKeyError, TenantRepository } from '@circulate/platform/persistence';
import { DomainError } from '@circulate/contracts';
import type { Model } from 'mongoose';
import { LocationDoc } from './location.schema';

@Injectable()
export class LocationRepository extends TenantRepository<LocationDoc, Location> {
  constructor(@InjectModel(LocationDoc.name) model: Model<LocationDoc>) {
    super(model);
  }

  protected toPlain(doc: LocationDoc): Location {
    return {
      id: doc._id,
      name: doc.name,
      code: doc.code ?? null,
      timeZone: doc.timeZone,
      createdAt: new Date(doc.createdAt).toISOString(),
    };
  }

  /** Inserts the location together with its `created` event (one atomic document write). */
  async insert(tenantId: TenantId, location: Location, event: EventEnvelope): Promise<Location> {
    try {
      await this.model.create({
        _id: location.id,
        tenantId,
        name: location.name,
        // A missing code is stored as absent (not null) so the sparse unique index ignores it.
        ...(location.code ? { code: location.code, codeKey: `${tenantId}:${location.code}` } : {}),
        timeZone: location.timeZone,
        version: 1,
        _outbox: [event],
      });
    } catch (err) {
      if (isDuplicateKeyError(err)) {
        throw new DomainError(
          ErrorCode.CONFLICT_DUPLICATE_CODE,
          `a location with code "${location.code}" already exists`,
        );
      }
      throw err;
    }
    return (await this.findById(tenantId, location.id)) as Location;
  }

  list(tenantId: TenantId, limit?: number, cursor?: string): Promise<Page<Location>> {
    return this.page(tenantId, {}, limit, cursor);
  }
}
