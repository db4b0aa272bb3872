/*
 * Reporting benchmark, through the real stack (gateway → NATS → reporting, projections in FerretDB).
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/reporting.bench.ts
 *
 * A tenant of 10,000 stock items (BENCH_REPORT_ITEMS; 5 % pools) with a year of activity: each item
 * BENCH_RENTALS hand-outs and returns with an income entry each, and two costs. The year is
 * synthetic: its snapshots (registered a year ago) are published straight onto inventory's stream,
 * as inventory would have published them, one item's history after another. Then, with real
 * items registered through the API:
 *  - ledger entry (POST /stock-items/:id/ledger) → visible in /reports/stock-items, p50/p99;
 *  - GET /reports/stock-items for the year (10,000 rows), first call after a change and repeated;
 *  - GET /reports/skus for the year.
 * Figures to bench/results/reporting.json.
 */
import 'reflect-metadata';
import { connect, JSONCodec } from 'nats';
import { bootBenchStack, ok, writeResult } from './stack';
import { eventSubject, ReportingRpc, rpcSubject } from '../libs/contracts/src';
import { median, pct, prng, round } from './stats';

const ITEMS = Number(process.env['BENCH_REPORT_ITEMS'] ?? 10_000);
const RENTALS = Number(process.env['BENCH_RENTALS'] ?? 10);
const LEDGER_SAMPLES = 100;
const DAY = 86_400_000;
const log = (line: string) => process.stderr.write(`${line}\n`);
const codec = JSONCodec<unknown>();

async function main(): Promise<void> {
  const stack = await bootBenchStack(log);
  process.env['CIRCULATE_NS'] = stack.namespace;
  const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
  const js = nc.jetstream();
  const rpc = async <T>(name: string): Promise<T> => {
    const subject = rpcSubject(name);
    const reply = await nc.request(
      subject,
      codec.encode({ pattern: subject, data: { ctx: { tenantId: 'acme', role: 'admin' }, data: {} }, id: 'b' }),
      { timeout: 30_000 },
    );
    return (codec.decode(reply.data) as { response: T }).response;
  };
  const settled = async (timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await rpc<{ pending: Record<string, number> }>(ReportingRpc.status);
      if (Object.values(s.pending).every((n) => n === 0)) return;
      if (Date.now() > end) throw new Error(`reporting did not catch up: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  try {
    const now = Date.now();
    const yearAgo = now - 365 * DAY;
    const rand = prng(42);
    log(`Publishing a synthetic year for ${ITEMS} items…`);
    const t0 = Date.now();
    let published = 0;
    let pendingPubs: Promise<unknown>[] = [];
    const publish = async (type: string, item: any, at: number, extra: Record<string, unknown> = {}) => {
      const id = `evt_bench_${item.id}_${item.version}`;
      const envelope = {
        id,
        type,
        tenantId: 'acme',
        aggregateId: item.id,
        aggregateVersion: item.version,
        occurredAt: new Date(at).toISOString(),
        data: { item: { ...item, state: { ...item.state } }, changes: [], ...extra },
      };
      const bytes = codec.encode(envelope);
      // A loaded machine may time a publish out: retry (Nats-Msg-Id de-duplicates a repeat).
      const send = async (attempt = 0): Promise<unknown> =>
        js.publish(eventSubject(type), bytes, { msgID: id, timeout: 10_000 }).catch((err: unknown) => {
          if (attempt >= 5) throw err;
          return send(attempt + 1);
        });
      pendingPubs.push(send());
      published++;
      if (pendingPubs.length >= 200) {
        await Promise.all(pendingPubs);
        pendingPubs = [];
      }
    };
    for (let i = 0; i < ITEMS; i++) {
      const pooled = i % 20 === 0;
      const quantity = pooled ? 20 : 1;
      const sku = `sku_BENCH${i % 50}`;
      const item: any = {
        id: `ski_BENCH${String(i).padStart(6, '0')}`,
        skuId: sku,
        skuCode: `BENCH-${i % 50}`,
        tracking: pooled ? 'pooled' : 'serialized',
        quantity,
        codes: [],
        locationId: 'loc_BENCH',
        condition: null,
        status: 'in_use',
        state: { in: quantity, out: 0 },
        overrides: {},
        effective: { name: 'x', category: [], attributes: {}, purchasePrice: { amount: 40000, currency: 'EUR' } },
        createdAt: new Date(yearAgo).toISOString(),
        version: 1,
      };
      await publish('inventory.stock-item.registered.v1', item, yearAgo);
      const slot = (365 * DAY) / (RENTALS + 1);
      for (let r = 0; r < RENTALS; r++) {
        const start = yearAgo + r * slot + rand() * slot * 0.3;
        const end = start + (1 + rand() * 5) * DAY;
        const units = pooled ? 1 + Math.floor(rand() * quantity) : 1;
        item.version++;
        item.state = { in: quantity - units, out: units };
        await publish('inventory.stock-item.changed.v1', item, start, {
          changes: [{ type: 'handed_out', at: new Date(start).toISOString(), quantity: units }],
        });
        item.version++;
        item.state = { in: quantity, out: 0 };
        await publish('inventory.stock-item.changed.v1', item, end, {
          changes: [{ type: 'returned', at: new Date(end).toISOString(), quantity: units }],
        });
        item.version++;
        await publish('inventory.stock-item.changed.v1', item, end, {
          ledgerEntry: {
            id: `led_${item.id}_${r}`,
            type: 'income',
            amount: { amount: 2000 + Math.floor(rand() * 4000), currency: 'EUR' },
            reason: 'rental',
            note: null,
            orderId: null,
            at: new Date(end).toISOString(),
          },
        });
      }
      for (let c = 0; c < 2; c++) {
        item.version++;
        const at = yearAgo + (c + 0.5) * 180 * DAY;
        await publish('inventory.stock-item.changed.v1', item, at, {
          ledgerEntry: {
            id: `led_${item.id}_c${c}`,
            type: 'cost',
            amount: { amount: 1500, currency: 'EUR' },
            reason: 'repair',
            note: null,
            orderId: null,
            at: new Date(at).toISOString(),
          },
        });
      }
    }
    await Promise.all(pendingPubs);
    const publishMs = Date.now() - t0;
    log(`${published} events published in ${publishMs} ms; waiting for the projections…`);
    await settled(30 * 60_000);
    const projectMs = Date.now() - t0;
    log(`projections caught up after ${projectMs} ms`);

    // Real items through the API, for the ledger → report latency.
    const locationId = (await ok(stack, 'POST', '/locations', { name: 'Bench shop' })).id;
    const skuId = (
      await ok(stack, 'POST', '/skus', {
        code: 'LIVE',
        name: 'Live bike',
        purchasePrice: { amount: 40000, currency: 'EUR' },
      })
    ).id;
    const live = (
      await ok(stack, 'POST', '/stock-items/batch', { skuId, locationId, count: 10, tracking: 'serialized' })
    ).items as { id: string }[];
    await settled(60_000);
    const from = new Date(yearAgo - DAY).toISOString().slice(0, 10);
    const to = new Date(now + 2 * DAY).toISOString().slice(0, 10);
    const visible: number[] = [];
    const income = new Map<string, number>();
    for (let s = 0; s < LEDGER_SAMPLES; s++) {
      const item = live[s % live.length];
      const amount = 100 + s;
      const t1 = performance.now();
      await ok(stack, 'POST', `/stock-items/${item.id}/ledger`, {
        type: 'income',
        amount: { amount, currency: 'EUR' },
        reason: 'bench',
      });
      const expected = (income.get(item.id) ?? 0) + amount;
      income.set(item.id, expected);
      for (;;) {
        const rep = await ok(stack, 'GET', `/reports/stock-items?from=${from}&to=${to}&skuId=${skuId}`);
        const row = rep.items.find((r: any) => r.stockItemId === item.id);
        if (row && row.income.amount === expected) break;
        if (performance.now() - t1 > 10_000) throw new Error('ledger entry not visible within 10 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      visible.push(performance.now() - t1);
    }
    visible.sort((a, b) => a - b);

    const time = async (path: string, n: number) => {
      const xs: number[] = [];
      let rows = 0;
      for (let k = 0; k < n; k++) {
        const t1 = performance.now();
        const body = await ok(stack, 'GET', path);
        xs.push(performance.now() - t1);
        rows = body.items.length;
      }
      return { xs, rows };
    };
    // First call after a change (the report is computed), then repeated calls (same revision).
    await ok(stack, 'POST', `/stock-items/${live[0].id}/ledger`, {
      type: 'cost',
      amount: { amount: 1, currency: 'EUR' },
      reason: 'bench',
    });
    await settled(10_000);
    const firstItems = await time(`/reports/stock-items?from=${from}&to=${to}`, 1);
    const items = await time(`/reports/stock-items?from=${from}&to=${to}`, 20);
    /** Ten first calls, each right after a change (sorted ms). */
    const afterChanges = async (report: string): Promise<number[]> => {
      const xs: number[] = [];
      for (let k = 0; k < 10; k++) {
        await ok(stack, 'POST', `/stock-items/${live[1].id}/ledger`, {
          type: 'cost',
          amount: { amount: 1, currency: 'EUR' },
          reason: 'bench',
        });
        await settled(10_000);
        xs.push((await time(`/reports/${report}?from=${from}&to=${to}`, 1)).xs[0]);
      }
      return xs.sort((a, b) => a - b);
    };
    const cold = await afterChanges('stock-items');
    const skus = await time(`/reports/skus?from=${from}&to=${to}`, 20);
    const skusCold = await afterChanges('skus');
    items.xs.sort((a, b) => a - b);
    skus.xs.sort((a, b) => a - b);

    const results = {
      items: ITEMS + live.length,
      eventsPublished: published,
      yearPublishMs: publishMs,
      yearProjectedMs: projectMs,
      ledgerToReportMs: {
        p50: round(median(visible)),
        p99: round(pct(visible, 99)),
        samples: visible.length,
        target: 1000,
      },
      stockItemsReportMs: {
        rows: items.rows,
        afterChangeP50: round(median(cold)),
        afterChangeMax: round(cold[cold.length - 1]),
        firstCall: round(firstItems.xs[0]),
        repeatedP50: round(median(items.xs)),
        repeatedP99: round(pct(items.xs, 99)),
        target: 300,
      },
      skusReportMs: {
        rows: skus.rows,
        afterChangeP50: round(median(skusCold)),
        afterChangeMax: round(skusCold[skusCold.length - 1]),
        repeatedP50: round(median(skus.xs)),
        repeatedP99: round(pct(skus.xs, 99)),
        target: 100,
      },
    };
    console.table([
      ['events of the synthetic year', `${published} (${RENTALS} rentals per item)`],
      ['published / projected', `${publishMs} ms / ${projectMs} ms`],
      [
        'ledger entry → visible in /reports/stock-items, p50 / p99',
        `${results.ledgerToReportMs.p50} / ${results.ledgerToReportMs.p99} ms (target ≤ 1000)`,
      ],
      [
        `/reports/stock-items (${items.rows} rows) after a change p50 / max`,
        `${results.stockItemsReportMs.afterChangeP50} / ${results.stockItemsReportMs.afterChangeMax} ms (target ≤ 300)`,
      ],
      [
        '/reports/stock-items repeated p50 / p99',
        `${results.stockItemsReportMs.repeatedP50} / ${results.stockItemsReportMs.repeatedP99} ms`,
      ],
      [
        `/reports/skus (${skus.rows} rows) after a change p50 / max`,
        `${results.skusReportMs.afterChangeP50} / ${results.skusReportMs.afterChangeMax} ms (target ≤ 100)`,
      ],
      [
        '/reports/skus repeated p50 / p99',
        `${results.skusReportMs.repeatedP50} / ${results.skusReportMs.repeatedP99} ms`,
      ],
    ]);
    writeResult('reporting', results);
    log('Wrote bench/results/reporting.json');
  } finally {
    await nc.drain().catch(() => undefined);
    await stack.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${String(err?.stack ?? err)}\n`);
  process.exit(1);
});
