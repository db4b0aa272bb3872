/**
 * Resets reporting's projections and replays them from the streams:
 *   TS_NODE_PROJECT=tools/tsconfig.json node -r ts-node/register/transpile-only tools/reporting-rebuild.ts
 * (`npm run reporting:rebuild`). Uses NATS_URL and CIRCULATE_NS like the services; answers when the
 * replay has caught up. Run it against a single reporting replica.
 */
import 'reflect-metadata';
import { connect, JSONCodec } from 'nats';
import { ReportingRpc, rpcSubject } from '../libs/contracts/src';

async function main(): Promise<void> {
  const nc = await connect({ servers: (process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222').split(',') });
  const codec = JSONCodec<unknown>();
  const subject = rpcSubject(ReportingRpc.rebuild);
  const reply = await nc.request(
    subject,
    codec.encode({ pattern: subject, data: { ctx: { tenantId: 'operator', role: 'admin' }, data: {} }, id: 'rebuild' }),
    { timeout: 10 * 60_000 },
  );
  const answer = codec.decode(reply.data) as { err?: unknown; response?: { applied: number } };
  await nc.drain();
  if (answer.err) throw new Error(JSON.stringify(answer.err));
  process.stdout.write(`reporting rebuilt: ${answer.response?.applied} events applied\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
