// Benchmark: the embedding map at 100,000 and 1,000,000 points × 128.
//  - projection: PCA of every point and UMAP (20,000-point stratified sample, the rest placed by
//    their nearest sampled neighbours) of a generated run (bench/syntheticRun.ts), in a child
//    process that reports wall and CPU seconds and its peak resident memory, with one exact
//    neighbour query (top 10 by the run's cosine distance) streamed over vectors.f32;
//  - the gallery's neighbour search in the built CLI (bench/neighborsCli.ts): `neighbors --query` and
//    `neighbors --serve` (ready, first and next answer), each with its peak resident memory;
//  - frame time: the map page (webview/map) in headless Chromium with that many points, median time
//    of two animation frames after a wheel zoom (software WebGL here: SwiftShader on the CPU).
// Lines `bench map-<what>-<n> <value> <unit>` for the machine-readable log. Run alone with
// `node --import tsx bench/map.ts [100000 1000000] [--frames-only|--projection-only]`, or as the
// bench's `map` section. The generated runs are kept in the temp folder and reused.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { panelHtml } from '../webview/html';
import { exactNeighbours } from '../server/runs/exactNeighbours';
import { projectRun } from '../server/runs/projection';
import { runPaths } from '../server/runs/paths';
import { runDistance } from '../server/runs/runDistance';
import { runNeighborsCliBench } from './neighborsCli';
import { makeSyntheticRun } from './syntheticRun';

const ROOT = resolve(__dirname, '..');

/** What the measuring code uses of the page (bench/ is compiled without the DOM's types). */
interface PageGl {
  readonly RGBA: number;
  readonly UNSIGNED_BYTE: number;
  readPixels(x: number, y: number, w: number, h: number, format: number, type: number, out: Uint8Array): void;
}
interface PageCanvas {
  dispatchEvent(event: unknown): boolean;
  getContext(kind: 'webgl2'): PageGl;
}
interface PageGlobals {
  readonly document: { querySelector(selector: string): PageCanvas };
  readonly WheelEvent: new (type: string, init: Readonly<Record<string, unknown>>) => unknown;
  requestAnimationFrame(callback: () => void): number;
  readonly benchDrawn?: boolean;
}
const SIZES = [100_000, 1_000_000];
const DIM = 128;
const NONCE = 'benchMapNonce0123456789';

export interface ProjectionFigures {
  readonly count: number;
  readonly pcaSeconds: number;
  readonly umapSeconds: number;
  readonly cpuSeconds: number;
  readonly neighbourMs: number;
  readonly peakMB: number;
}

/** The generated run of `count` points (made once, kept in the temp folder). */
function benchRun(count: number): string {
  const folder = join(tmpdir(), 'contrastive-lab-bench-map');
  const dir = join(folder, `synthetic-${count}x${DIM}`);
  if (!existsSync(runPaths(dir).embeddingsMeta)) makeSyntheticRun(folder, { count, dim: DIM, classes: 10 });
  return dir;
}

/** Projection and one exact neighbour query in a fresh process, so its peak memory is theirs alone. */
export function measureProjection(count: number): ProjectionFigures {
  const dir = benchRun(count);
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`bench map: the projection of ${dir} failed (exit ${child.status}): ${child.stderr.trim().split('\n').slice(-5).join(' ')}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as ProjectionFigures;
}

async function childMain(dir: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const distance = runDistance('cosine', true);
  const result = await projectRun(dir, { methods: ['pca', 'umap'], distance });
  const t0 = performance.now();
  const meta = { count: result.count, dim: DIM };
  exactNeighbours(dir, meta, Math.floor(result.count / 2), 10, distance);
  const neighbourMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const figures: ProjectionFigures = {
    count: result.count,
    pcaSeconds: result.seconds.pca ?? NaN,
    umapSeconds: result.seconds.umap ?? NaN,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    neighbourMs,
    // maxRSS is in kilobytes: the whole process at its peak (Node itself is ~50 MB of it).
    peakMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
}

/** Median milliseconds of two animation frames after a wheel zoom, and of one GPU-finished draw, with `count` points on the map page. */
export async function measureFrames(counts: readonly number[]): Promise<{ count: number; frameMs: number; drawMs: number }[]> {
  const build = await esbuild.build({ entryPoints: [join(ROOT, 'webview/map/main.ts')], bundle: true, platform: 'browser', target: 'es2022', format: 'iife', write: false, minify: true });
  const script = build.outputFiles[0]!.contents;
  const css = await import('node:fs').then((fs) => fs.readFileSync(join(ROOT, 'webview/styles/panels.css')));
  let base = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const count = Number(url.searchParams.get('n') ?? '0');
    if (url.pathname === '/map.html') {
      const html = panelHtml({ cspSource: base, nonce: NONCE, scriptUri: `${base}/map.js`, styleUri: `${base}/panels.css`, title: 'bench map' })
        .replace('<body>', '<body class="vscode-dark">')
        .replace('<div id="app"', `<script nonce="${NONCE}" src="${base}/host.js?n=${count}"></script>\n<div id="app"`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    } else if (url.pathname === '/map.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (url.pathname === '/panels.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    } else if (url.pathname === '/host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(fakeHost(count));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  const out: { count: number; frameMs: number; drawMs: number }[] = [];
  try {
    for (const count of counts) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/map.html?n=${count}`);
      for (let tries = 0; ; tries++) {
        const drawn = await page.evaluate(() => (globalThis as unknown as PageGlobals).benchDrawn === true);
        if (drawn) break;
        if (tries > 600 || errors.length > 0) throw new Error(`bench map: the page never drew ${count} points: ${errors.join('; ')}`);
        await page.waitForTimeout(100);
      }
      const figures = await page.evaluate(async (runs) => {
        const g = globalThis as unknown as PageGlobals;
        const canvas = g.document.querySelector('.scatter canvas');
        const gl = canvas.getContext('webgl2');
        const frames: number[] = [];
        const draws: number[] = [];
        const pixel = new Uint8Array(4);
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          canvas.dispatchEvent(new g.WheelEvent('wheel', { deltaY: i % 2 ? 80 : -80, clientX: 400, clientY: 350, bubbles: true, cancelable: true }));
          await new Promise((r) => g.requestAnimationFrame(() => r(null)));
          // Right after the frame's draw: reading a pixel waits until the GPU (here the CPU) has drawn it.
          gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
          draws.push(performance.now() - t0);
          await new Promise((r) => g.requestAnimationFrame(() => r(null)));
          frames.push(performance.now() - t0);
        }
        frames.sort((a, b) => a - b);
        draws.sort((a, b) => a - b);
        return { frameMs: frames[Math.floor(runs / 2)]!, drawMs: draws[Math.floor(runs / 2)]! };
      }, 21);
      out.push({ count, ...figures });
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

/** A stand-in host for the page: `count` points in 40 Gaussian clusters, posted as typed arrays. */
function fakeHost(count: number): string {
  return `(function () {
  var n = ${count};
  var state = 7;
  function rnd() { state = (state * 1664525 + 1013904223) % 4294967296; return (state + 0.5) / 4294967296; }
  function gauss() { return Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd()); }
  var xy = new Float32Array(2 * n), codes = new Uint16Array(n);
  var cx = [], cy = [];
  for (var c = 0; c < 40; c++) { cx.push(gauss() * 10); cy.push(gauss() * 10); }
  for (var i = 0; i < n; i++) { var k = i % 40; codes[i] = k % 10; xy[2 * i] = cx[k] + gauss(); xy[2 * i + 1] = cy[k] + gauss(); }
  var names = []; for (var j = 0; j < 10; j++) names.push('class ' + j);
  function send(m) { window.postMessage(m, '*'); }
  window.acquireVsCodeApi = function () {
    return {
      postMessage: function (m) {
        if (m.type === 'ready') send({ type: 'points', runId: 'bench', runName: 'bench', count: n, methods: ['umap'], columns: [{ name: 'label', kind: 'category', names: names, codes: codes }], sprite: null, distance: 'cosine distance (1 − cos)' });
        if (m.type === 'requestProjection') { send({ type: 'projection', method: m.method, xy: xy }); requestAnimationFrame(function () { requestAnimationFrame(function () { window.benchDrawn = true; }); }); }
      },
      getState: function () { return null; },
      setState: function () {},
    };
  };
})();`;
}

function line(name: string, value: number, unit: string): void {
  console.log(`bench ${name} ${Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'NaN'} ${unit}`);
}

export async function runMapBench(sizes: readonly number[] = SIZES, parts: { projection: boolean; frames: boolean } = { projection: true, frames: true }): Promise<void> {
  if (parts.projection) {
    console.log(`points      PCA s   UMAP s   CPU s   exact top-10 ms   peak MB  (${DIM}-d, UMAP sample 20,000)`);
    for (const count of sizes) {
      const f = measureProjection(count);
      console.log(`${count.toLocaleString('en').padStart(9)}  ${f.pcaSeconds.toFixed(1).padStart(6)}  ${f.umapSeconds.toFixed(1).padStart(7)}  ${f.cpuSeconds.toFixed(1).padStart(6)}  ${f.neighbourMs.toFixed(0).padStart(16)}  ${f.peakMB.toFixed(0).padStart(8)}`);
      line(`map-pca-${count}`, f.pcaSeconds, 's');
      line(`map-umap-${count}`, f.umapSeconds, 's');
      line(`map-projection-cpu-${count}`, f.cpuSeconds, 's');
      line(`map-exact-neighbours-${count}`, f.neighbourMs, 'ms');
      line(`map-projection-peak-${count}`, f.peakMB, 'MB');
    }
    // The gallery's search process on the same runs: `neighbors --query` and `--serve` of the built CLI.
    await runNeighborsCliBench(sizes.map((count) => ({ dir: benchRun(count), count })));
  }
  if (parts.frames) {
    console.log('points      frame ms (two rAF after a zoom)   draw ms (zoom to pixels read)');
    for (const f of await measureFrames(sizes)) {
      console.log(`${f.count.toLocaleString('en').padStart(9)}  ${f.frameMs.toFixed(1).padStart(31)}  ${f.drawMs.toFixed(1).padStart(29)}`);
      line(`map-frame-${f.count}`, f.frameMs, 'ms');
      line(`map-draw-${f.count}`, f.drawMs, 'ms');
    }
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    childMain(args[1]!).catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    });
  } else {
    const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
    runMapBench(sizes.length > 0 ? sizes : SIZES, { projection: !args.includes('--frames-only'), frames: !args.includes('--projection-only') }).catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    });
  }
}
