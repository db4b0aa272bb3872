import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@circulate/platform/messaging';
import { LocationRepository } from './locations/location.repository';
import { LocationDoc, LocationSchema } from './locations/location.schema';
import { LocationsService } from './locations/locations.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: LocationDoc.name, schema: LocationSchema }])],
  providers: [LocationRepository, LocationsService],
  exports: [LocationsService],
})
export class InventoryDataAccessModule implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxRelay,
    private readonly locations: LocationRepository,
  ) {}

  onModuleInit(): void {
    this.outbox.register(this.locations.mongooseModel as never);
  }
}
