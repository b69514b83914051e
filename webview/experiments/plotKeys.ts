// Keyboard movement between the runs of a plot: from the focused point, an arrow goes to the
// nearest point in that direction (a point further along the arrow's axis, preferring the ones
// nearly in line with it); with nothing focused yet, any arrow starts at the left-most point.
// Parallel coordinates move through the lines ordered by their first axis (up is higher).

export type Direction = 'left' | 'right' | 'up' | 'down';

export const ARROWS: Readonly<Record<string, Direction>> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/** Positions on 0..1 axes, y upwards. Returns the index to focus next; `from` when there is none further that way. */
export function stepPoint(points: readonly { readonly x: number; readonly y: number }[], from: number, direction: Direction): number {
  if (points.length === 0) return -1;
  if (from < 0 || from >= points.length) {
    let start = 0;
    points.forEach((p, i) => {
      if (p.x < points[start]!.x || (p.x === points[start]!.x && p.y < points[start]!.y)) start = i;
    });
    return start;
  }
  const origin = points[from]!;
  const [along, across] = direction === 'left' || direction === 'right' ? ['x', 'y'] as const : ['y', 'x'] as const;
  const sign = direction === 'right' || direction === 'up' ? 1 : -1;
  let best = from;
  let bestCost = Infinity;
  points.forEach((p, i) => {
    if (i === from) return;
    const ahead = (p[along] - origin[along]) * sign;
    const aside = Math.abs(p[across] - origin[across]);
    // Equal positions (runs on one spot) are stepped through in list order.
    const ahead0 = ahead === 0 && aside === 0 ? (i > from ? 1e-12 : -1) : ahead;
    if (ahead0 <= 0) return;
    const cost = ahead0 + 2 * aside;
    if (cost < bestCost) {
      bestCost = cost;
      best = i;
    }
  });
  return best;
}

/** Parallel lines: the neighbour by the value on the first axis (up and right higher, down and left lower). */
export function stepLine(lines: readonly { readonly at: readonly number[] }[], from: number, direction: Direction): number {
  if (lines.length === 0) return -1;
  const order = lines.map((_, i) => i).sort((a, b) => (lines[a]!.at[0] ?? 0) - (lines[b]!.at[0] ?? 0) || a - b);
  if (from < 0 || from >= lines.length) return order[0]!;
  const at = order.indexOf(from);
  const next = at + (direction === 'up' || direction === 'right' ? 1 : -1);
  return next < 0 || next >= order.length ? from : order[next]!;
}
