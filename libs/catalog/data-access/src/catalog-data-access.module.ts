import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@circulate/platform/messaging';
import { ListingRepository } from './listings/listing.repository';
import { ListingDoc, ListingSchema } from './listings/listing.schema';

/** Catalog's collection and its repository (the use cases are in catalog/application). */
@Module({
  imports: [MongooseModule.forFeature([{ name: ListingDoc.name, schema: ListingSchema }])],
  providers: [ListingRepository],
  exports: [ListingRepository],
})
export class CatalogDataAccessModule implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxRelay,
    private readonly listings: ListingRepository,
  ) {}

  onModuleInit(): void {
    this.outbox.register(this.listings.mongooseModel);
  }
}
