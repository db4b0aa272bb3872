/** RFC 4180 CSV: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** Minor units as a decimal amount (2 fraction digits; JPY-like currencies keep their own). */
const ZERO_DECIMALS = new Set(['JPY', 'KRW', 'ISK', 'CLP', 'VND']);
export function decimalAmount(minor: number, currency: string): string {
  if (ZERO_DECIMALS.has(currency)) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The columns of each report's CSV: money fields as decimal amounts, then one `currency` column. */
export const ReportCsvColumns = {
  stockItems: [
    'stockItemId',
    'skuId',
    'locationId',
    'tracking',
    'quantity',
    'status',
    'income',
    'cost',
    'profit',
    'roi',
    'rentals',
    'daysOut',
    'daysOwned',
    'utilisation',
    'currency',
  ],
  skus: [
    'skuId',
    'code',
    'units',
    'serializedUnits',
    'pooledUnits',
    'retiredUnits',
    'income',
    'cost',
    'profit',
    'utilisation',
    'currency',
  ],
  underPerformers: ['stockItemId', 'skuId', 'status', 'daysOwned', 'daysOut', 'income', 'utilisation', 'currency'],
  pools: [
    'stockItemId',
    'skuId',
    'quantity',
    'peakOut',
    'peakReserved',
    'unmetDemand',
    'utilisation',
    'suggestedReorder',
  ],
} as const;

function isMoney(v: unknown): v is { amount: number; currency: string } {
  return !!v && typeof v === 'object' && 'amount' in v && 'currency' in v;
}

/** One CSV record of a report row; `currency` is the row's money currency. */
export function csvRow(row: object, columns: readonly string[]): string {
  const r = row as Record<string, unknown>;
  const money = Object.values(r).find(isMoney);
  return csvLine(
    columns.map((c) => {
      if (c === 'currency' && !('currency' in r)) return money?.currency ?? null;
      const v = r[c];
      return isMoney(v) ? decimalAmount(v.amount, v.currency) : v;
    }),
  );
}

/** Minimal RFC 4180 parser (for tests and tools reading the reports back). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
