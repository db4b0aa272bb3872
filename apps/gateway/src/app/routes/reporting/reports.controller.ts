import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import {
  csvLine,
  PoolReportRow,
  PoolsReportQuery,
  RenderedReportPage,
  ReportCsvColumns,
  Report,
  ReportingCalls,
  ReportRenderFormat,
  RequestContext,
  RpcDef,
  SkuReportRow,
  SkusReportQuery,
  StockItemReportRow,
  StockItemsReportQuery,
  UnderPerformerRow,
  UnderPerformersQuery,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { Allow, Ctx } from '../../auth/auth.guard';

type Columns = readonly string[];
/** Rows asked per page; the service cuts pages by size well before that. */
const REPORT_MAX_LIMIT = 10_000;

/** Reports (admin and staff). JSON joins the service's pages; `format=csv` streams them as they come. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('stock-items')
  @Allow('admin', 'staff')
  stockItems(
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() q: StockItemsReportQuery,
  ): Promise<Report<StockItemReportRow> | StreamableFile | string> {
    return this.answer(ctx, reply, ReportingCalls.rendered.stockItems, q, ReportCsvColumns.stockItems, 'stock-items');
  }

  @Get('skus')
  @Allow('admin', 'staff')
  skus(
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() q: SkusReportQuery,
  ): Promise<Report<SkuReportRow> | StreamableFile | string> {
    return this.answer(ctx, reply, ReportingCalls.rendered.skus, q, ReportCsvColumns.skus, 'skus');
  }

  @Get('under-performers')
  @Allow('admin', 'staff')
  underPerformers(
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() q: UnderPerformersQuery,
  ): Promise<Report<UnderPerformerRow> | StreamableFile | string> {
    return this.answer(
      ctx,
      reply,
      ReportingCalls.rendered.underPerformers,
      q,
      ReportCsvColumns.underPerformers,
      'under-performers',
    );
  }

  @Get('pools')
  @Allow('admin', 'staff')
  pools(
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() q: PoolsReportQuery,
  ): Promise<Report<PoolReportRow> | StreamableFile | string> {
    return this.answer(ctx, reply, ReportingCalls.rendered.pools, q, ReportCsvColumns.pools, 'pools');
  }

  /**
   * The service renders the pages (JSON array elements or CSV records) and the gateway joins the
   * strings: rows are never decoded and encoded again here. JSON asks for every page at once once
   * the first has said where they start; CSV streams them in order, one page ahead.
   */
  private async answer<Q extends { format?: string }>(
    ctx: RequestContext,
    reply: FastifyReply,
    def: RpcDef<Omit<Q, 'format'> & { offset: number; limit: number; render: ReportRenderFormat }, RenderedReportPage>,
    q: Q,
    columns: Columns,
    file: string,
  ): Promise<StreamableFile | string> {
    const { format, ...query } = q;
    const render: ReportRenderFormat = format === 'csv' ? 'csv' : 'json';
    const page = (offset: number) => this.rpc.call(def, ctx, { ...query, offset, limit: REPORT_MAX_LIMIT, render });
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
}
