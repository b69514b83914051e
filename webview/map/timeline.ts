// The map's timeline: the probe set (a fixed sample of held-out points whose embeddings every
// evaluation kept) drawn at any evaluation's step, with a slider, play / pause and step buttons,
// and the run's NaN, collapse and chance-level events marked on the slider. The host sends every
// step's 2-D map already aligned to the previous one (server/runs/timeline/align.ts), and moving
// between steps glides the points, so the eye can follow them. Points keep the map's colours.

import type { SpriteSheet } from '../protocol';
import { button } from '../shared/controls';
import { el } from '../shared/dom';
import type { ChartTheme } from '../shared/palette';
import { paintThumbnail } from '../shared/sprite';
import type { MapToTimeline, TimelineFrameInfo, TimelineMarkInfo, TimelineToMap } from '../timelineProtocol';
import { GlScatter, type Rgb } from './glScatter';
import { framePosition } from './timelineSteps';

/** What the timeline needs from the map page. */
export interface MapTimelineHost {
  post(message: MapToTimeline | { readonly type: 'openGallery'; readonly index: number }): void;
  /** The map's current colouring of the run's points (codes per run point), or null before it has one. */
  colours(): { readonly codes: Uint16Array; readonly palette: readonly Rgb[]; readonly hidden: ReadonlySet<number> } | null;
  /** Label text and thumbnails of run point `index`, for the tooltip. */
  describe(index: number): { readonly label: string; readonly sprite: SpriteSheet | null };
  /** The timeline's picture replaces the map's (true) or gives it back (false). */
  show(on: boolean): void;
}

interface Loaded {
  readonly rows: Int32Array;
  readonly frames: readonly TimelineFrameInfo[];
  readonly marks: readonly TimelineMarkInfo[];
  readonly xy: Float32Array;
}

const GLIDE_MS = 450;
const PLAY_EVERY_MS = 1100;
const MARK_COLOURS: Readonly<Record<TimelineMarkInfo['kind'], string>> = { nan: 'var(--vscode-errorForeground, #f14c4c)', collapse: 'var(--vscode-editorWarning-foreground, #cca700)', chance: 'var(--vscode-descriptionForeground, #999)' };
const MARK_NAMES: Readonly<Record<TimelineMarkInfo['kind'], string>> = { nan: 'NaN', collapse: 'collapse', chance: 'chance-level kNN' };

export class MapTimeline {
  readonly bar: HTMLElement;
  readonly plotElement: HTMLElement;
  private readonly plot: GlScatter;
  private readonly toggle: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly playButton: HTMLElement;
  private readonly stepText: HTMLElement;
  private readonly marksStrip: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly tooltip: HTMLElement;
  private loaded: Loaded | null = null;
  private requested = false;
  private on = false;
  private frame = 0;
  private shown: Float32Array = new Float32Array(0);
  private glide = 0;
  private playing = 0;

  constructor(theme: ChartTheme, private readonly host: MapTimelineHost) {
    this.plot = new GlScatter(theme, {
      onHover: (p, x, y) => this.showTooltip(p, x, y),
      onClick: (p) => {
        if (this.loaded === null || p < 0) return;
        this.plot.setSelected(p);
        host.post({ type: 'openGallery', index: this.loaded.rows[p]! });
      },
      onLasso: () => undefined,
    }, 'Timeline map: the probe samples at the chosen step');
    this.tooltip = el('div', { className: 'map-tooltip' });
    this.tooltip.hidden = true;
    this.plot.element.append(this.tooltip);
    this.plotElement = this.plot.element;
    this.plotElement.hidden = true;
    this.toggle = button('Timeline', () => this.setOn(!this.on), { secondary: true, title: 'Step through the run’s evaluations: the probe samples’ map at each one' });
    this.toggle.setAttribute('aria-pressed', 'false');
    this.slider = el('input', { className: 'timeline-slider', attrs: { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Evaluation step' } });
    this.slider.addEventListener('input', () => {
      this.pause();
      this.goTo(Number(this.slider.value));
    });
    this.playButton = button('▶', () => (this.playing !== 0 ? this.pause() : this.play()), { icon: true, title: 'Play from this step to the last' });
    const back = button('‹', () => {
      this.pause();
      this.goTo(this.frame - 1);
    }, { icon: true, title: 'Previous evaluation' });
    const forward = button('›', () => {
      this.pause();
      this.goTo(this.frame + 1);
    }, { icon: true, title: 'Next evaluation' });
    this.stepText = el('span', { className: 'status-line', attrs: { 'aria-live': 'polite' } });
    this.marksStrip = el('div', { className: 'timeline-marks' });
    this.marksStrip.style.position = 'relative';
    this.marksStrip.style.height = '10px';
    const track = el('div', { className: 'timeline-track' }, [this.marksStrip, this.slider]);
    track.style.flex = '1';
    track.style.display = 'flex';
    track.style.flexDirection = 'column';
    this.slider.style.width = '100%';
    this.controls = el('div', { className: 'timeline-controls' }, [back, this.playButton, forward, track, this.stepText]);
    this.controls.style.display = 'flex';
    this.controls.style.alignItems = 'center';
    this.controls.style.gap = '6px';
    this.controls.style.flex = '1';
    this.controls.hidden = true;
    this.bar = el('div', { className: 'timeline-bar' }, [this.toggle, this.controls]);
    this.bar.style.display = 'flex';
    this.bar.style.alignItems = 'center';
    this.bar.style.gap = '8px';
    this.bar.style.padding = '2px 8px';
  }

  /** Sets the timeline's picture on or off (the first time, asks the host for it). */
  setOn(on: boolean): void {
    this.on = on;
    this.toggle.setAttribute('aria-pressed', String(on));
    this.toggle.textContent = on ? 'Timeline (on)' : 'Timeline';
    this.plotElement.hidden = !on;
    this.controls.hidden = !on || this.loaded === null;
    this.host.show(on);
    if (!on) {
      this.pause();
      return;
    }
    if (this.loaded === null && !this.requested) {
      this.requested = true;
      this.stepText.textContent = 'Reading the timeline…';
      this.controls.hidden = false;
      this.host.post({ type: 'requestTimeline' });
    }
    this.refreshColours();
  }

  /** A new run is shown: the timeline is read again when next turned on. */
  reset(): void {
    this.pause();
    this.loaded = null;
    this.requested = false;
    if (this.on) this.setOn(true);
  }

  receive(message: TimelineToMap): void {
    if (message.type === 'noTimeline') {
      this.loaded = null;
      this.controls.hidden = false;
      this.stepText.textContent = message.message;
      this.slider.disabled = true;
      return;
    }
    this.loaded = { rows: message.rows, frames: message.frames, marks: message.marks, xy: message.xy };
    this.slider.disabled = false;
    this.slider.max = String(Math.max(0, message.frames.length - 1));
    this.controls.hidden = !this.on;
    this.renderMarks();
    this.refreshColours();
    this.frame = 0;
    this.shown = this.frameXy(0).slice();
    this.plot.setPositions(this.shown);
    this.plot.resetView();
    this.goTo(0);
  }

  /** The map's colours changed (column, hidden categories, theme): the probe points follow. */
  refreshColours(): void {
    const colours = this.host.colours();
    if (colours === null || this.loaded === null) return;
    const codes = Uint16Array.from(this.loaded.rows, (r) => colours.codes[r] ?? 0);
    this.plot.setColours(codes, colours.palette, colours.hidden);
  }

  setTheme(theme: ChartTheme, palette: readonly Rgb[]): void {
    this.plot.setTheme(theme, palette);
  }

  private frameXy(f: number): Float32Array {
    const n = this.loaded!.rows.length * 2;
    return this.loaded!.xy.subarray(f * n, (f + 1) * n);
  }

  /** Glides the points from where they are to frame `f`. */
  private goTo(f: number): void {
    if (this.loaded === null) return;
    const target = Math.max(0, Math.min(this.loaded.frames.length - 1, f));
    this.frame = target;
    this.slider.value = String(target);
    this.describeFrame();
    const from = this.shown.slice();
    const to = this.frameXy(target);
    const started = performance.now();
    cancelAnimationFrame(this.glide);
    const tick = (now: number): void => {
      const t = Math.min(1, (now - started) / GLIDE_MS);
      const ease = t * t * (3 - 2 * t);
      const next = new Float32Array(to.length);
      for (let i = 0; i < to.length; i++) next[i] = from[i]! + (to[i]! - from[i]!) * ease;
      this.shown = next;
      this.plot.setPositions(next);
      this.glide = t < 1 ? requestAnimationFrame(tick) : 0;
    };
    this.glide = requestAnimationFrame(tick);
  }

  private describeFrame(): void {
    const loaded = this.loaded;
    if (loaded === null) return;
    const f = loaded.frames[this.frame]!;
    const knn = f.knnAccuracy === null ? '' : ` · kNN ${(f.knnAccuracy * 100).toFixed(1)} %`;
    const here = loaded.marks.filter((m) => Math.abs(framePosition(loaded.frames, m.step) - this.frame) < 0.5);
    this.stepText.textContent = `step ${f.step}${f.epoch === null ? '' : ` · epoch ${f.epoch}`}${knn} · ${this.frame + 1}/${loaded.frames.length} · ${loaded.rows.length.toLocaleString()} probe samples${here.length > 0 ? ` · ${here.map((m) => MARK_NAMES[m.kind]).join(', ')}` : ''}`;
  }

  private renderMarks(): void {
    const loaded = this.loaded;
    if (loaded === null) return;
    const last = Math.max(1, loaded.frames.length - 1);
    this.marksStrip.replaceChildren(
      ...loaded.marks.map((m) => {
        const at = framePosition(loaded.frames, m.step) / last;
        const mark = el('span', { className: `timeline-mark ${m.kind}`, title: `step ${m.step}: ${m.message}`, attrs: { role: 'img', 'aria-label': `${MARK_NAMES[m.kind]} at step ${m.step}` } });
        mark.style.position = 'absolute';
        mark.style.left = `calc(${(at * 100).toFixed(2)}% - 4px)`;
        mark.style.width = '8px';
        mark.style.height = '8px';
        mark.style.borderRadius = m.kind === 'nan' ? '0' : '50%';
        mark.style.background = MARK_COLOURS[m.kind];
        return mark;
      }),
    );
  }

  private play(): void {
    if (this.loaded === null) return;
    if (this.frame >= this.loaded.frames.length - 1) this.goTo(0);
    this.playButton.textContent = '⏸';
    this.playing = window.setInterval(() => {
      if (this.loaded === null || this.frame >= this.loaded.frames.length - 1) {
        this.pause();
        return;
      }
      this.goTo(this.frame + 1);
    }, PLAY_EVERY_MS);
  }

  private pause(): void {
    if (this.playing !== 0) window.clearInterval(this.playing);
    this.playing = 0;
    this.playButton.textContent = '▶';
  }

  private showTooltip(p: number, clientX: number, clientY: number): void {
    if (p < 0 || this.loaded === null) {
      this.tooltip.hidden = true;
      return;
    }
    const row = this.loaded.rows[p]!;
    const { label, sprite } = this.host.describe(row);
    const children: Node[] = [];
    if (sprite) {
      const thumb = el('span');
      if (paintThumbnail(thumb, sprite, row, 56)) children.push(thumb);
    }
    children.push(el('div', { className: 'label', text: `#${row} · ${label === '' ? '(no label)' : label}` }), el('div', { className: 'muted', text: 'Click to see how its neighbours changed in the gallery' }));
    this.tooltip.replaceChildren(...children);
    this.tooltip.hidden = false;
    const box = this.plotElement.getBoundingClientRect();
    const x = clientX - box.left, y = clientY - box.top;
    this.tooltip.style.left = `${x + 14 + this.tooltip.offsetWidth > box.width ? Math.max(0, x - 14 - this.tooltip.offsetWidth) : x + 14}px`;
    this.tooltip.style.top = `${y + 14 + this.tooltip.offsetHeight > box.height ? Math.max(0, y - 14 - this.tooltip.offsetHeight) : y + 14}px`;
  }
}
