import { metricsRegistry, metricsText, OTHER, recordHttp, recordRpc } from './metrics';

describe('metrics', () => {
  it('label values beyond the bound fold into "other": a flood of distinct routes cannot blow up the series', async () => {
    for (let i = 0; i < 2000; i++) recordHttp('GET', `/flood/${i}`, 200, 0.001);
    const { values } = await metricsRegistry.getSingleMetric('circulate_http_requests_total')!.get();
    expect(values.length).toBeLessThanOrEqual(501);
    const other = values.find((v) => v.labels['route'] === OTHER);
    expect(other?.value).toBe(2000 - 500);
  });

  it('records RPC latency by side, name and outcome, in the text format', async () => {
    recordRpc('client', 'inventory.stock-item.get.v1', 'NOT_FOUND', 0.003);
    const text = await metricsText();
    expect(text).toContain('# TYPE circulate_rpc_duration_seconds histogram');
    expect(text).toMatch(
      /^circulate_rpc_duration_seconds_bucket\{le="0\.005",side="client",subject="inventory\.stock-item\.get\.v1",outcome="NOT_FOUND"\} 1$/m,
    );
  });
});
