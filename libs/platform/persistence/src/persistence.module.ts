import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { databaseName, ServiceName } from '@circulate/contracts';

/** One MongoDB database per service (`<namespace>_<service>`), through mongoose. */
@Module({})
export class PersistenceModule {
  static forService(service: ServiceName, mongoUrl: string): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        MongooseModule.forRoot(mongoUrl, {
          dbName: databaseName(service),
          // Indexes are created explicitly and awaited at boot (see TenantRepository.onModuleInit).
          autoIndex: false,
          autoCreate: true,
          serverSelectionTimeoutMS: 5000,
          // Keep mongoose from buffering forever when the database is gone: fail fast, answer 503.
          bufferCommands: false,
        }),
      ],
      exports: [MongooseModule],
    };
  }
}
