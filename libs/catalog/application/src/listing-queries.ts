import { Injectable } from '@nestjs/common';
import {
  ChannelAliases,
  DomainError,
  Listing,
  ListingChannel,
  ListListingsRequest,
  Page,
  parseInstant,
  PriceListingRequest,
  PriceQuote,
  RequestContext,
} from '@circulate/contracts';
import { ListingRepository } from '@circulate/catalog/data-access';
import { quote } from '@circulate/shared/pricing';

/** The reads of listings (the storefront sees published web-shop listings only) and price quotes. */
@Injectable()
export class ListingQueries {
  constructor(private readonly listings: ListingRepository) {}

  async get(ctx: RequestContext, id: string): Promise<Listing> {
    return this.visible(ctx, await this.listings.findById(ctx.tenantId, id), id);
  }

  async getBySlug(ctx: RequestContext, slug: string): Promise<Listing> {
    return this.visible(ctx, await this.listings.findBySlug(ctx.tenantId, slug), slug);
  }

  list(ctx: RequestContext, query: ListListingsRequest): Promise<Page<Listing>> {
    const channels: ListingChannel[] = [];
    if (query.channel) channels.push(ChannelAliases[query.channel]);
    if (ctx.role === 'storefront') {
      // The storefront sees published web-shop listings only, whatever it asks for.
      if (query.status && query.status !== 'published') return Promise.resolve({ items: [], nextCursor: null });
      channels.push('onlineStore');
      return this.listings.list(ctx.tenantId, { status: 'published', channels }, query.limit, query.cursor);
    }
    return this.listings.list(ctx.tenantId, { status: query.status, channels }, query.limit, query.cursor);
  }

  async price(ctx: RequestContext, input: PriceListingRequest): Promise<PriceQuote> {
    const listing = await this.get(ctx, input.id);
    const instant = (field: 'start' | 'end'): number | undefined => {
      const text = input[field];
      if (text === undefined) return undefined;
      const ms = parseInstant(text);
      if (ms === null) throw DomainError.invalid(field, `"${text}" is not a valid date-time`);
      return ms;
    };
    const result = quote(listing.priceTables, {
      priceTableId: input.priceTableId,
      startMs: instant('start'),
      endMs: instant('end'),
      quantity: input.quantity,
      purchase: input.purchase,
    });
    if (!result.ok) throw DomainError.fromPayload(result.error);
    return result.value;
  }

  private visible(ctx: RequestContext, listing: Listing | null, key: string): Listing {
    if (!listing || (ctx.role === 'storefront' && !(listing.status === 'published' && listing.channels.onlineStore))) {
      throw DomainError.notFound('listing', key);
    }
    return listing;
  }
}
