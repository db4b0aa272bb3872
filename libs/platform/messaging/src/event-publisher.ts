import { Injectable } from '@nestjs/common';
import { EventEnvelope, eventSubject } from '@circulate/contracts';
import { JSONCodec } from 'nats';
import { NatsConnectionService } from './nats-connection';

const codec = JSONCodec<EventEnvelope>();

/** Publishes facts on JetStream with `Nats-Msg-Id` = event id, so a re-publish is de-duplicated. */
@Injectable()
export class EventPublisher {
  constructor(private readonly nats: NatsConnectionService) {}

  async publish(event: EventEnvelope): Promise<void> {
    await this.nats.js.publish(eventSubject(event.type), codec.encode(event), { msgID: event.id, timeout: 5000 });
  }
}
