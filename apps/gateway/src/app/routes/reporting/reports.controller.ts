import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import {
  csvLine,
  csvRow,
  PoolReportRow,
  PoolsReportQuery,
  REPORT_PAGE_SIZE,
  ReportCsvColumns,
  Report,
  ReportingCalls,
  ReportPage,
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
    @Query() q: StockItemsReportQuery,
  ): Promise<Report<StockItemReportRow> | StreamableFile> {
    return this.answer(ctx, ReportingCalls.stockItems, q, ReportCsvColumns.stockItems, 'stock-items');
  }

  @Get('skus')
  @Allow('admin', 'staff')
  skus(@Ctx() ctx: RequestContext, @Query() q: SkusReportQuery): Promise<Report<SkuReportRow> | StreamableFile> {
    return this.answer(ctx, ReportingCalls.skus, q, ReportCsvColumns.skus, 'skus');
  }

  @Get('under-performers')
  @Allow('admin', 'staff')
  underPerformers(
    @Ctx() ctx: RequestContext,
    @Query() q: UnderPerformersQuery,
  ): Promise<Report<UnderPerformerRow> | StreamableFile> {
    return this.answer(ctx, ReportingCalls.underPerformers, q, ReportCsvColumns.underPerformers, 'under-performers');
  }

  @Get('pools')
  @Allow('admin', 'staff')
  pools(@Ctx() ctx: RequestContext, @Query() q: PoolsReportQuery): Promise<Report<PoolReportRow> | StreamableFile> {
    return this.answer(ctx, ReportingCalls.pools, q, ReportCsvColumns.pools, 'pools');
  }

  private async answer<T extends object, Q extends { format?: string }>(
    ctx: RequestContext,
    def: RpcDef<Omit<Q, 'format'> & { offset: number; limit: number }, ReportPage<T>>,
    q: Q,
    columns: Columns,
    file: string,
  ): Promise<Report<T> | StreamableFile> {
    const { format, ...query } = q;
    const page = (offset: number) => this.rpc.call(def, ctx, { ...query, offset, limit: REPORT_PAGE_SIZE });
    const first = await page(0); // errors surface as problem+json before anything is streamed
    if (format !== 'csv') {
      const items = [...first.items];
      for (let next = first.nextOffset; next !== null;) {
        const p = await page(next);
        items.push(...p.items);
        next = p.nextOffset;
      }
      return { items };
    }
    async function* lines(): AsyncGenerator<string> {
      yield csvLine([...columns]);
      let current = first;
      for (;;) {
        let chunk = '';
        for (const row of current.items) chunk += csvRow(row, columns);
        if (chunk) yield chunk;
        if (current.nextOffset === null) return;
        current = await page(current.nextOffset);
      }
    }
    return new StreamableFile(Readable.from(lines()), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${file}.csv"`,
    });
  }
}
