// Number formatting shared by the inspector webview, the report page and the host's tree view.
// Binary units (KiB, MiB) because budgets and frame capacities are configured in powers of two.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Trims "1.0" to "1" so round sizes read naturally ("4 MiB", "1.5 MiB"). */
function oneDecimal(value: number): string {
  const text = value.toFixed(1);
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/** 1536 → "1.5 KiB", 0 → "0 B"; negative values keep their sign. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Rounding can reach 1024.0 of the unit below ("1023.96 KiB"); show it as the next unit.
  if (unit < UNITS.length - 1 && Number(value.toFixed(1)) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return sign + (unit === 0 ? String(Math.round(value)) : oneDecimal(value)) + ' ' + UNITS[unit];
}

/** Deltas always carry a sign so growth and shrinkage are told apart at a glance; zero is "±0 B". */
export function formatSignedBytes(delta: number|null): string {
  if (delta === null || !Number.isFinite(delta)) return '—';
  if (delta === 0) return '±0 B';
  return (delta > 0 ? '+' : '') + formatBytes(delta);
}

/** 12345 → "12,345" (fixed grouping, independent of the machine's locale so tests are stable). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatSignedCount(delta: number|null): string {
  if (delta === null || !Number.isFinite(delta)) return '—';
  if (delta === 0) return '±0';
  return (delta > 0 ? '+' : '') + formatCount(delta);
}

/** 74.99 → "75.0%"; null (no budget) → "—". */
export function formatPercent(percent: number|null): string {
  if (percent === null || !Number.isFinite(percent)) return '—';
  return percent.toFixed(1) + '%';
}

/** used / limit as a percentage; 0 when there is no limit to compare with. */
export function percentOf(used: number, limit: number): number {
  return limit > 0 ? (used / limit) * 100 : 0;
}

/** Microseconds as "120 µs", "16.48 ms" or "1.25 s". */
export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return '—';
  if (Math.abs(us) < 1000) return Math.round(us) + ' µs';
  if (Math.abs(us) < 1_000_000) return (us / 1000).toFixed(2) + ' ms';
  return (us / 1_000_000).toFixed(2) + ' s';
}

export type BudgetLevel = 'ok'|'warn'|'high'|'over';

/** Colour classes for budget bars: 70% warns, 90% is high, 100% and above is over budget. */
export function budgetLevel(percent: number): BudgetLevel {
  if (percent >= 100) return 'over';
  if (percent >= 90) return 'high';
  if (percent >= 70) return 'warn';
  return 'ok';
}
