import { CatalogCalls } from '@circulate/contracts';
import { ListingCommands, ListingQueries } from '@circulate/catalog/application';
import { rpcController, rpcHandlers } from '@circulate/platform/messaging';

export const ListingsController = rpcController([ListingCommands, ListingQueries], (commands, queries) =>
  rpcHandlers(CatalogCalls, {
    createListing: (ctx, d) => commands.create(ctx, d),
    listListings: (ctx, d) => queries.list(ctx, d),
    getListing: (ctx, d) => queries.get(ctx, d.id),
    getListingBySlug: (ctx, d) => queries.getBySlug(ctx, d.slug),
    updateListing: (ctx, d) => commands.update(ctx, d),
    archiveListing: (ctx, d) => commands.archive(ctx, d.id),
    priceListing: (ctx, d) => queries.price(ctx, d),
  }),
);
