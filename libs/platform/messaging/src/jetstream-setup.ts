import { Logger } from '@nestjs/common';
import { JetStreamManager, RetentionPolicy, StorageType, nanos } from 'nats';

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** How long a Nats-Msg-Id is remembered for de-duplication. */
  duplicateWindowMs?: number;
}

const logger = new Logger('JetStreamSetup');

/** Creates the stream or brings its subjects up to date. Safe to run on every boot, by every replica. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const duplicate_window = nanos(spec.duplicateWindowMs ?? 2 * 60_000);
  try {
    const info = await jsm.streams.info(spec.name);
    const same = JSON.stringify([...info.config.subjects].sort()) === JSON.stringify([...spec.subjects].sort());
    if (!same) {
      await jsm.streams.update(spec.name, { ...info.config, subjects: spec.subjects });
      logger.log(`stream ${spec.name} subjects updated`);
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.streams.add({
        name: spec.name,
        subjects: spec.subjects,
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        duplicate_window,
      });
      logger.log(`stream ${spec.name} created`);
    } catch (addErr) {
      // Another replica may have created it between our info() and add().
      if (!/already in use|exists/i.test(String(addErr))) throw addErr;
    }
  }
}

function isNotFound(err: unknown): boolean {
  return /not found/i.test(String((err as Error)?.message ?? err));
}
