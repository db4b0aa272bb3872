import { StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import {
  csvLine,
  PoolsReportQuery,
  RenderedReportPage,
  ReportCsvColumns,
  ReportingCalls,
  ReportRenderFormat,
  RequestClass,
  RequestContext,
  RpcDef,
  SkusReportQuery,
  StockItemsReportQuery,
  UnderPerformersQuery,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { forward, forwardController } from '../forward';

type Columns = readonly string[];
/** The subject a report's pages are rendered by: its query (less `format`) and the page asked for. */
type ReportDef<Q> = RpcDef<
  Omit<Q, 'format'> & { offset: number; limit: number; render: ReportRenderFormat },
  RenderedReportPage
>;
/** Rows asked per page; the service cuts pages by size well before that. */
const REPORT_MAX_LIMIT = 10_000;

/** A report's route: its query validated, then `answer` with the rendering subject and CSV columns. */
function report<Q extends { format?: string }>(
  name: string,
  path: string,
  def: NoInfer<ReportDef<Q>>,
  query: RequestClass<Q>,
  columns: Columns,
) {
  return forward<Q>(name, `GET ${path}`, {
    roles: ['admin', 'staff'],
    query,
    answer: (rpc, ctx, q, reply) => answer(rpc, ctx, reply, def, q, columns, path),
  });
}

/** Reports (admin and staff). JSON joins the service's pages; `format=csv` streams them as they come. */
export const ReportsController = forwardController('reports', [
  report(
    'stockItems',
    'stock-items',
    ReportingCalls.rendered.stockItems,
    StockItemsReportQuery,
    ReportCsvColumns.stockItems,
  ),
  report('skus', 'skus', ReportingCalls.rendered.skus, SkusReportQuery, ReportCsvColumns.skus),
  report(
    'underPerformers',
    'under-performers',
    ReportingCalls.rendered.underPerformers,
    UnderPerformersQuery,
    ReportCsvColumns.underPerformers,
  ),
  report('pools', 'pools', ReportingCalls.rendered.pools, PoolsReportQuery, ReportCsvColumns.pools),
]);

/**
 * The service renders the pages (JSON array elements or CSV records) and the gateway joins the
 * strings: rows are never decoded and encoded again here. JSON asks for every page at once once
 * the first has said where they start; CSV streams them in order, one page ahead.
 */
async function answer<Q extends { format?: string }>(
  rpc: RpcClient,
  ctx: RequestContext,
  reply: FastifyReply,
  def: RpcDef<Omit<Q, 'format'> & { offset: number; limit: number; render: ReportRenderFormat }, RenderedReportPage>,
  q: Q,
  columns: Columns,
  file: string,
): Promise<StreamableFile | string> {
  const { format, ...query } = q;
  const render: ReportRenderFormat = format === 'csv' ? 'csv' : 'json';
  const page = (offset: number) => rpc.call(def, ctx, { ...query, offset, limit: REPORT_MAX_LIMIT, render });
  const first = await page(0); // errors surface as problem+json before anything is streamed
  const offsets = first.pageOffsets ?? [0];
  if (render === 'json') {
    const rest = await Promise.all(offsets.slice(1).map(page));
    const chunks = [first, ...rest].map((p) => p.chunk).filter((c) => c.length > 0);
    reply.header('content-type', 'application/json; charset=utf-8');
    return `{"items":[${chunks.join(',')}]}`;
  }
  async function* lines(): AsyncGenerator<string> {
    yield csvLine([...columns]);
    let ahead: Promise<RenderedReportPage> | undefined;
    let current = first;
    for (let i = 1; ; i++) {
      if (i < offsets.length) ahead = page(offsets[i]);
      if (current.chunk) yield current.chunk;
      if (!ahead) return;
      current = await ahead;
      ahead = undefined;
    }
  }
  return new StreamableFile(Readable.from(lines()), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${file}.csv"`,
  });
}
