// The values the experiments page's plot draws: for each column the layout's plot names (scatter x,
// y and colour; parallel axes), the raw value of every shown row, in row order. Raw, not display
// text, so axes are numeric where the values are numbers; lists and booleans become text (a
// categorical axis). Free of VS Code, so it is tested directly.
import type { TableRow } from '../../server/runs/table/columns';
import { valueText, type CellValue } from '../../server/runs/table/values';
import type { TableColumn } from '../../server/runs/table/view';
import type { PlotColumn, PlotLayout, PlotValue } from '../../webview/experiments/protocol';

/** The columns a plot layout draws, each once, in the order it names them. */
export function plottedKeys(plot: PlotLayout | undefined): string[] {
  if (plot === undefined || plot.kind === 'none') return [];
  const keys = plot.kind === 'scatter' ? [plot.x, plot.y, plot.colour] : plot.axes;
  return [...new Set(keys.filter((k) => k !== ''))];
}

function plotValue(value: CellValue | undefined): PlotValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return valueText(value);
}

const tickFormat = (column: TableColumn | undefined): PlotColumn['format'] => (column?.format === 'percent' ? 'percent' : 'plain');

export function plotColumns(rows: readonly TableRow[], available: readonly TableColumn[], plot: PlotLayout | undefined): PlotColumn[] {
  const byKey = new Map(available.map((c) => [c.key, c]));
  return plottedKeys(plot).map((key) => {
    const column = byKey.get(key);
    return { key, title: column?.title ?? key, format: tickFormat(column), values: rows.map((r) => plotValue(r.cells.get(key))) };
  });
}
