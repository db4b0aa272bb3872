import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, FieldError, InventoryCalls, RequestContext } from '@circulate/contracts';
import { invalidListing } from '@circulate/catalog/domain';
import { RpcClient } from '@circulate/platform/messaging';

const LOCATION_CHECK_CONCURRENCY = 16;

/** Every location a listing names must exist in inventory (asked over NATS; NOT_FOUND there is bad input here). */
@Injectable()
export class ListingLocations {
  constructor(private readonly rpc: RpcClient) {}

  async assertExist(ctx: RequestContext, ids: string[]): Promise<void> {
    const errors: FieldError[] = [];
    for (let i = 0; i < ids.length; i += LOCATION_CHECK_CONCURRENCY) {
      const chunk = ids.slice(i, i + LOCATION_CHECK_CONCURRENCY);
      await Promise.all(
        chunk.map(async (id, j) => {
          try {
            await this.rpc.call(InventoryCalls.getLocation, ctx, { id });
          } catch (err) {
            if (err instanceof DomainError && err.code === ErrorCode.NOT_FOUND) {
              errors.push({ field: `locationIds[${i + j}]`, message: `location ${id} does not exist` });
            } else if (err instanceof DomainError && err.code === ErrorCode.VALIDATION_FAILED) {
              errors.push({ field: `locationIds[${i + j}]`, message: `"${id}" is not a location id` });
            } else {
              throw err;
            }
          }
        }),
      );
    }
    if (errors.length)
      throw invalidListing(errors.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true })));
  }
}
