// Axis tick positions and labels: "nice" steps (1, 2, 5 × 10^k) on linear axes and powers of
// ten (with 2 and 5 between when few decades are shown) on log axes.

export interface Tick {
  readonly value: number;
  readonly label: string;
}

/** Ticks covering [min, max] with roughly `target` intervals. */
export function linearTicks(min: number, max: number, target: number): Tick[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [{ value: min, label: formatNumber(min, 0) }];
  const step = niceStep((max - min) / Math.max(1, target));
  const start = Math.ceil(min / step - 1e-9) * step;
  const ticks: Tick[] = [];
  for (let v = start, i = 0; v <= max + step * 1e-9 && i < 1000; i++, v = start + i * step) {
    // Snap away floating error such as 0.30000000000000004 and -0.
    const value = Number((Math.abs(v) < step * 1e-9 ? 0 : v).toPrecision(12));
    ticks.push({ value, label: formatNumber(value, step) });
  }
  return ticks;
}

/** 1, 2 or 5 × 10^k, the smallest such step ≥ rough. */
export function niceStep(rough: number): number {
  const exponent = Math.floor(Math.log10(rough));
  const base = Math.pow(10, exponent);
  const fraction = rough / base;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * base;
}

/** Ticks for a log axis over [min, max] (both > 0). */
export function logTicks(min: number, max: number, target: number): Tick[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const decades = hi - lo;
  // Choose subdivisions by the decades actually shown, not by the rounded-out bounds.
  const span = Math.log10(max / min);
  const multipliers = span <= 1.2 ? [1, 2, 3, 5, 7] : span <= Math.max(2, target / 2) ? [1, 2, 5] : [1];
  const stride = Math.max(1, Math.ceil(decades / Math.max(1, target)));
  const ticks: Tick[] = [];
  for (let e = lo; e <= hi; e++) {
    if ((e - lo) % stride !== 0) continue;
    for (const m of multipliers) {
      const value = Number((m * Math.pow(10, e)).toPrecision(12));
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push({ value, label: formatNumber(value, value) });
    }
  }
  return ticks;
}

/** A short label for `value`, precise enough to tell neighbouring ticks `step` apart. */
export function formatNumber(value: number, step: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(Math.max(0, Math.min(3, significantDecimals(value)))).replace('e+', 'e');
  if (magnitude >= 1e4 && Math.abs(step) >= 1000) return `${Number((value / 1000).toPrecision(6))}k`;
  const decimals = step > 0 ? Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9))) : 4;
  return Number(value.toFixed(decimals)).toString();
}

function significantDecimals(value: number): number {
  const mantissa = value / Math.pow(10, Math.floor(Math.log10(Math.abs(value))));
  const text = Number(mantissa.toPrecision(4)).toString();
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** A read-out value with about four significant digits. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(3).replace('e+', 'e');
  return Number(value.toPrecision(4)).toString();
}
