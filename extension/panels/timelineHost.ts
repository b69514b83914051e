// What the map's and the gallery's hosts answer about a run's timeline (server/runs/timeline/): the
// aligned maps of the probe set at every evaluation with the events to mark, and how one probe
// sample's nearest probe samples changed between two steps. The maps are PCA per step of at most
// 2,000 points, so they are computed here, once per run and set of steps.
import { hasTimeline } from '../../server/runs/timeline/store';
import { neighbourChange, readTimeline, readTimelineMaps, type Timeline } from '../../server/runs/timeline/read';
import type { TimelineFrameInfo, TimelineMarkInfo, TimelineNeighbour, TimelineToGallery, TimelineToMap } from '../../webview/timelineProtocol';

const NONE = 'This run has no timeline: runs keep a probe set’s embeddings at every evaluation since the timeline was added (timeline/ in the run folder). Train the run again to get one.';

function frameInfo(t: Timeline): { frames: TimelineFrameInfo[]; marks: TimelineMarkInfo[] } {
  return {
    frames: t.frames.map((f) => ({ step: f.step, epoch: f.epoch, knnAccuracy: f.knnAccuracy })),
    marks: t.marks.map((m) => ({ kind: m.kind, step: m.step, message: m.message })),
  };
}

/** The map's timeline message, with every frame's aligned map; cached while the run's steps stay the same. */
export class MapTimelineSource {
  private cached: { readonly key: string; readonly message: TimelineToMap } | undefined;

  message(runDir: string): TimelineToMap {
    if (!hasTimeline(runDir)) return { type: 'noTimeline', message: NONE };
    const timeline = readTimeline(runDir);
    if (timeline.frames.length === 0) return { type: 'noTimeline', message: 'The run has a probe set but no evaluation has kept its embeddings yet; the timeline fills in as the run evaluates.' };
    const key = `${runDir}\u0000${timeline.frames.map((f) => f.step).join(',')}`;
    if (this.cached?.key === key) return this.cached.message;
    const maps = readTimelineMaps(runDir, timeline);
    const count = timeline.probe.count;
    const xy = new Float32Array(maps.length * count * 2);
    maps.forEach((m, f) => xy.set(m, f * count * 2));
    const message: TimelineToMap = { type: 'timeline', rows: Int32Array.from(timeline.probe.rows), ...frameInfo(timeline), xy };
    this.cached = { key, message };
    return message;
  }
}

/** The gallery's timeline message: the probe rows and the steps (no maps). */
export function galleryTimeline(runDir: string): TimelineToGallery {
  if (!hasTimeline(runDir)) return { type: 'noTimeline', message: NONE };
  const timeline = readTimeline(runDir);
  return { type: 'timeline', rows: timeline.probe.rows, ...frameInfo(timeline) };
}

/** How sample `index` (a probe sample's row)'s k nearest probe samples changed between two steps. */
export function galleryTimelineChange(runDir: string, labels: readonly string[], ids: readonly string[], index: number, from: number, to: number, k: number): TimelineToGallery {
  const timeline = readTimeline(runDir);
  const position = timeline.probe.rows.indexOf(index);
  if (position < 0) throw new RangeError(`sample #${index} is not in the timeline's probe set (${timeline.probe.count} ${timeline.probe.split === 'test' ? 'held-out' : 'training'} samples whose embeddings every evaluation keeps); pick one of them`);
  const change = neighbourChange(runDir, timeline, position, from, to, k);
  const rowOf = (p: number): number => timeline.probe.rows[p]!;
  const describe = (n: { position: number; distance: number }): TimelineNeighbour => {
    const row = rowOf(n.position);
    return { index: row, distance: n.distance, label: labels[row] ?? '', id: ids[row] ?? '' };
  };
  return {
    type: 'timelineChange',
    index,
    from,
    to,
    before: change.from.neighbours.map(describe),
    after: change.to.neighbours.map(describe),
    entered: change.entered.map(rowOf),
    left: change.left.map(rowOf),
  };
}
