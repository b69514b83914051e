// Where an event falls on the timeline's step slider (DOM-free, so the tests can use it).

/** Where step `s` sits on a slider over the frames (fractional frame index, clamped to the ends). */
export function framePosition(frames: readonly { readonly step: number }[], s: number): number {
  if (frames.length === 0 || s <= frames[0]!.step) return 0;
  for (let i = 0; i + 1 < frames.length; i++) {
    const a = frames[i]!.step, b = frames[i + 1]!.step;
    if (s <= b) return i + (s - a) / Math.max(1, b - a);
  }
  return frames.length - 1;
}
