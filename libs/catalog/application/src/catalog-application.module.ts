import { Module } from '@nestjs/common';
import { CatalogDataAccessModule } from '@circulate/catalog/data-access';
import { ListingCommands } from './listing-commands';
import { ListingLocations } from './listing-locations';
import { ListingQueries } from './listing-queries';

/** Catalog's use cases: each fetches, decides (catalog/domain) and writes (AggregateWriter). */
@Module({
  imports: [CatalogDataAccessModule],
  providers: [ListingQueries, ListingCommands, ListingLocations],
  exports: [ListingQueries, ListingCommands],
})
export class CatalogApplicationModule {}
