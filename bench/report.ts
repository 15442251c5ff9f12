// What every benchmark part writes to: figures and ratios, collected and printed as two tables.
// The benchmark reports; it never fails on a figure, so a ratio only gets "ok" or "below target".

export interface Target {
  /** The ratio should be at least this (e.g. throughput against a baseline). */
  atLeast?: number;
  /** The ratio should be at most this (e.g. growth of a time with the data size). */
  atMost?: number;
}

export interface Report {
  /** Records one measured figure, e.g. ("feeds 200", "notiziario", 1900, "req/s", "p50 4 ms"). */
  figure(part: string, name: string, value: number, unit: string, detail?: string): void;
  /** Records a ratio and the target it is compared with (none for figures kept for information). */
  ratio(name: string, value: number, target?: Target): void;
  /** A progress line on stderr, so stdout holds only the results. */
  progress(text: string): void;
}

/** One part of the benchmark: measures something and writes it to the report. */
export type BenchPart = (report: Report) => Promise<void>;

interface Figure {
  part: string;
  name: string;
  value: number;
  unit: string;
  detail: string;
}

interface Ratio {
  name: string;
  value: number;
  target?: Target;
}

export interface CollectingReport extends Report {
  /** Both tables as text, ready to print. */
  format(): string;
}

export function createReport(): CollectingReport {
  const figures: Figure[] = [];
  const ratios: Ratio[] = [];
  const started = process.hrtime.bigint();
  return {
    figure: (part, name, value, unit, detail = '') => void figures.push({ part, name, value, unit, detail }),
    ratio: (name, value, target) => void ratios.push({ name, value, target }),
    progress(text) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      process.stderr.write(`[${seconds.toFixed(1).padStart(6)} s] ${text}\n`);
    },
    format: () => [formatFigures(figures), '', formatRatios(ratios)].join('\n'),
  };
}

function formatFigures(figures: Figure[]): string {
  const rows = figures.map((f) => [f.part, f.name, formatNumber(f.value), f.unit, f.detail]);
  return table(['part', 'measurement', 'value', 'unit', 'detail'], rows, [false, false, true, false, false]);
}

function formatRatios(ratios: Ratio[]): string {
  const rows = ratios.map((r) => [r.name, formatNumber(r.value), describeTarget(r.target), verdict(r.value, r.target)]);
  return table(['ratio', 'measured', 'target', 'verdict'], rows, [false, true, false, false]);
}

function describeTarget(target?: Target): string {
  if (target?.atLeast !== undefined) return `>= ${target.atLeast}`;
  if (target?.atMost !== undefined) return `<= ${target.atMost}`;
  return '(information)';
}

function verdict(value: number, target?: Target): string {
  if (!target || (target.atLeast === undefined && target.atMost === undefined)) return '-';
  if (!Number.isFinite(value)) return 'not measured';
  const ok = (target.atLeast === undefined || value >= target.atLeast) && (target.atMost === undefined || value <= target.atMost);
  // "below target" also for a growth ratio above its ceiling: the figure falls short of the goal.
  return ok ? 'ok' : 'below target';
}

/** Three significant digits for small numbers, thousands separators for large ones. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function table(header: string[], rows: string[][], alignRight: boolean[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (alignRight[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (alignRight[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
