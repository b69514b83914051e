// Renders each panel in headless Chromium with fake data, the real CSP from webview/html.ts and
// a fake host, exercises it like a user (hover, click, reload), checks what it posts, and saves
// screenshots to test-output/webview-harness/. Fails on any page error or CSP violation.
//
//   node --import tsx test/webview-harness/render.ts [dashboard|gallery|map|experiments ...]

import * as esbuild from 'esbuild';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium, Page } from 'playwright-core';
import { panelHtml } from '../../webview/html';
import { fakeDashboard, fakeExperiments, fakeGroupedExperiments, fakeSamples, GROUP_SIZE, GROUPED_SINGLES } from './fakeData';

const root = resolve(__dirname, '../..');
const outDir = join(root, 'test-output/webview-harness');
const buildDir = join(outDir, 'build');
const PANELS = ['dashboard', 'gallery', 'map', 'experiments'] as const;
type Panel = (typeof PANELS)[number];
type Theme = 'dark' | 'light' | 'hc';
const BODY_CLASS: Record<Theme, string> = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' };
const NONCE = 'harnessNonce0123456789';
const SAMPLE_COUNT = 10_000;
const RUN_COUNT = 2_000;

const requested = process.argv.slice(2).filter((a): a is Panel => (PANELS as readonly string[]).includes(a));
const panels: readonly Panel[] = requested.length > 0 ? requested : PANELS;

async function build(): Promise<void> {
  await esbuild.build({
    entryPoints: panels.map((p) => join(root, `webview/${p}/main.ts`)),
    outdir: buildDir,
    outbase: join(root, 'webview'),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    logLevel: 'warning',
  });
}

async function dataScripts(): Promise<{ files: Map<string, Buffer> }> {
  const files = new Map<string, Buffer>();
  const samples = await fakeSamples(SAMPLE_COUNT);
  files.set('/data/sprite.png', samples.spritePng);
  const sampleSet = (base: string) => ({
    runId: 'r-simclr-t01',
    runName: 'simclr t=0.1',
    count: samples.count,
    labels: samples.labels,
    ids: samples.ids,
    sprite: { uri: `${base}/data/sprite.png`, thumbWidth: 28, thumbHeight: 28, columns: samples.columns, rows: samples.rows },
  });
  const neighbourFn = `function (query, k) {
    const xy = window.harnessData.xy, labels = window.harnessData.samples.labels, ids = window.harnessData.samples.ids;
    const qx = xy[2 * query], qy = xy[2 * query + 1];
    const all = [];
    for (let i = 0; i < xy.length / 2; i++) if (i !== query) all.push([Math.hypot(xy[2 * i] - qx, xy[2 * i + 1] - qy), i]);
    all.sort((a, b) => a[0] - b[0]);
    return all.slice(0, k).map(([d, i]) => ({ index: i, distance: Number((d / 4).toFixed(4)), label: labels[i], id: ids[i] }));
  }`;
  files.set('/data/dashboard.js', Buffer.from(`window.harnessData = ${JSON.stringify({ panel: 'dashboard', ...fakeDashboard() })};`));
  const gallery = (base: string, vectors: boolean) =>
    `window.harnessData = ${JSON.stringify({ panel: 'gallery', initialQuery: 4242, xy: samples.umap, samples: { ...sampleSet(base), sprite: vectors ? null : sampleSet(base).sprite } })};\nwindow.harnessData.neighbours = ${neighbourFn};`;
  files.set('/data/gallery.js', Buffer.from(gallery('BASE', false)));
  files.set('/data/gallery-vectors.js', Buffer.from(gallery('BASE', true)));
  // A two-tower run: the first half of the points are tower a's (images), the second their captions (tower b, the text tower).
  const pairs = samples.count / 2;
  const towerIds = samples.ids.map((id, i) => `${i < pairs ? 'a' : 'b'}/${id}`);
  files.set('/data/gallery-towers.js', Buffer.from(`window.harnessData = ${JSON.stringify({ panel: 'gallery', xy: samples.umap, samples: { ...sampleSet('BASE'), runName: 'clip digits-captions', ids: towerIds, towers: { pairs, textTower: 'b' } } })};\nwindow.harnessData.neighbours = ${neighbourFn};`));
  files.set('/data/experiments.js', Buffer.from(`window.harnessData = ${JSON.stringify({ panel: 'experiments', table: fakeExperiments(RUN_COUNT) })};`));
  files.set('/data/experiments-grouped.js', Buffer.from(`window.harnessData = ${JSON.stringify({ panel: 'experiments', table: fakeGroupedExperiments(RUN_COUNT) })};`));
  files.set('/data/map-towers.js', Buffer.from(`window.harnessData = ${JSON.stringify({ panel: 'map', samples: { ...sampleSet('BASE'), runName: 'clip digits-captions', ids: towerIds, towers: { pairs, textTower: 'b' } }, projections: { pca: samples.pca, umap: samples.umap } })};`));
  files.set('/data/map.js', Buffer.from(`window.harnessData = ${JSON.stringify({ panel: 'map', samples: sampleSet('BASE'), projections: { pca: samples.pca, umap: samples.umap } })};`));
  return { files };
}

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.html': 'text/html' };

function startServer(files: Map<string, Buffer>): Promise<{ base: string; close: () => void }> {
  return new Promise((resolvePromise) => {
    let base = '';
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', base);
      const send = (body: Buffer | string, type: string): void => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      const page = /^\/panel\/(dashboard|gallery|map|experiments)\.html$/.exec(url.pathname);
      try {
        if (page) {
          const panel = page[1] as Panel;
          const theme = (url.searchParams.get('theme') ?? 'dark') as Theme;
          const variant = url.searchParams.get('variant');
          const html = panelHtml({
            cspSource: base,
            nonce: NONCE,
            scriptUri: `${base}/build/${panel}/main.js`,
            styleUri: `${base}/styles/panels.css`,
            title: `Contrastive Lab ${panel}`,
          })
            .replace('<body>', `<body class="${BODY_CLASS[theme]}" data-vscode-theme-kind="${BODY_CLASS[theme]}">`)
            .replace('</head>', `<link rel="stylesheet" href="${base}/harness/theme-${theme}.css">\n</head>`)
            .replace('<div id="app"', `<script nonce="${NONCE}" src="${base}/data/${variant ? `${panel}-${variant}` : panel}.js"></script>\n<script nonce="${NONCE}" src="${base}/harness/fake-host.js"></script>\n<div id="app"`);
          return send(html, 'text/html');
        }
        if (files.has(url.pathname)) {
          const body = files.get(url.pathname) as Buffer;
          return send(url.pathname.endsWith('.js') ? body.toString().replace(/BASE/g, base) : body, CONTENT_TYPES[extname(url.pathname)]);
        }
        const mapped: [string, string][] = [['/build/', buildDir], ['/styles/', join(root, 'webview/styles')], ['/harness/', join(root, 'test/webview-harness')]];
        for (const [prefix, dir] of mapped) {
          if (url.pathname.startsWith(prefix)) {
            const file = resolve(dir, url.pathname.slice(prefix.length));
            if (!file.startsWith(dir)) break;
            return send(readFileSync(file), CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
          }
        }
        res.writeHead(404).end();
      } catch {
        res.writeHead(404).end();
      }
    });
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolvePromise({ base, close: () => server.close() });
    });
  });
}

interface Posted { type: string; [key: string]: unknown }
const problems: string[] = [];
const figures: string[] = [];

function check(condition: boolean, what: string): void {
  if (!condition) problems.push(`check failed: ${what}`);
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
}

async function open(page: Page, base: string, panel: Panel, theme: Theme, variant?: string): Promise<void> {
  await page.goto(`${base}/panel/${panel}.html?theme=${theme}${variant ? `&variant=${variant}` : ''}`);
  // Polling with evaluate (waitForFunction would need eval, which the page's CSP forbids).
  for (let tries = 0; tries < 100; tries++) {
    const ready = await page.evaluate(() => (window as unknown as { harnessPosted?: Posted[] }).harnessPosted?.some((m) => m.type === 'ready') === true);
    if (ready) break;
    if (tries === 99) throw new Error(`${panel}: the page never posted 'ready'; problems so far:\n${problems.join('\n')}`);
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(700);
}

const posted = (page: Page): Promise<Posted[]> => page.evaluate(() => (window as unknown as { harnessPosted: Posted[] }).harnessPosted);
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });

/** Median time of `runs` frames after a user action (`smoothing` slider, loss-chart `drag` zoom and reset, map `zoom`), measured in the page. */
async function frameTime(page: Page, action: 'smoothing' | 'drag' | 'zoom' | 'nothing', runs: number): Promise<number> {
  return page.evaluate(
    async ({ action, runs }) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        if (action === 'smoothing') {
          const s = document.querySelector('input[type=range]') as HTMLInputElement;
          s.value = String(0.5 + (i % 2) * 0.3);
          s.dispatchEvent(new Event('input'));
        } else if (action === 'drag') {
          // Even runs drag across 30–50 % of the loss chart's plot (a zoom), odd runs double-click (show all).
          // No named helper functions in here: tsx would wrap them in a __name() call the page lacks.
          const over = document.querySelector('.u-over') as HTMLElement;
          const r = over.getBoundingClientRect();
          const y = r.top + r.height / 2;
          if (i % 2 === 0) {
            over.dispatchEvent(new MouseEvent('mousedown', { clientX: r.left + r.width * 0.3, clientY: y, bubbles: true, button: 0, buttons: 1 }));
            over.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + r.width * 0.5, clientY: y, bubbles: true, button: 0, buttons: 1 }));
            document.dispatchEvent(new MouseEvent('mouseup', { clientX: r.left + r.width * 0.5, clientY: y, bubbles: true, button: 0 }));
          } else {
            over.dispatchEvent(new MouseEvent('dblclick', { clientX: r.left + r.width * 0.5, clientY: y, bubbles: true, button: 0 }));
          }
        } else if (action === 'zoom') {
          const c = document.querySelector('.scatter canvas[aria-label="Embedding map"]') as HTMLCanvasElement;
          c.dispatchEvent(new WheelEvent('wheel', { deltaY: i % 2 ? 60 : -60, clientX: 300, clientY: 300, bubbles: true, cancelable: true }));
        }
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)];
    },
    { action, runs },
  );
}

/**
 * The overlay of 100 runs × 100,000 steps: the curves are decimated to the plot's width before uPlot
 * (webview/shared/decimate.ts). Measures the first draw, a smoothing change and a zoom by a drag.
 */
async function denseOverlay(page: Page, base: string): Promise<void> {
  await open(page, base, 'dashboard', 'dark');
  const RUNS = 100;
  const STEPS = 100_000;
  const firstDraw = await page.evaluate(async ({ runs, steps }) => {
    const ids = Array.from({ length: runs }, (_, r) => `dense-${r}`);
    window.postMessage({ type: 'runs', runs: ids.map((id, r) => ({ id, name: `run ${r}`, status: 'completed', stepsPerEpoch: 1000 })) }, '*');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    for (let r = 0; r < runs; r++) {
      for (let start = 0; start < steps; start += 25_000) {
        const train = Array.from({ length: 25_000 }, (_, i) => {
          const step = start + i + 1;
          return { step, epoch: Math.ceil(step / 1000), time: step * 0.01, loss: (2 + r / 50) * Math.exp(-step / 30_000) + 0.1 * Math.sin(step * 0.37 + r), lr: 0.001, samplesPerSec: 1000 };
        });
        window.postMessage({ type: 'metrics', runId: ids[r], reset: start === 0, train, eval: [] }, '*');
      }
    }
    // The messages are handled in order; two frames after the last one the charts have drawn it.
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    return performance.now() - t0;
  }, { runs: RUNS, steps: STEPS });
  await page.waitForTimeout(500);
  const drawn = await page.evaluate(() => (document.querySelector('.u-over') as HTMLElement | null) !== null);
  check(drawn, `dashboard: ${RUNS} runs × ${STEPS.toLocaleString('en')} steps are drawn`);
  await shot(page, 'dashboard-dark-100-runs');
  const smoothing = await frameTime(page, 'smoothing', 8);
  const drag = await frameTime(page, 'drag', 8);
  const idle = await frameTime(page, 'nothing', 8);
  figures.push(`dashboard: ${RUNS} runs × ${STEPS.toLocaleString('en')} steps overlaid (decimated to the plot's width): ${firstDraw.toFixed(0)} ms from the first metrics message to the drawn charts; re-smoothing and redrawing median ${smoothing.toFixed(1)} ms, a zoom by a drag (or back) median ${drag.toFixed(1)} ms for two frames (${idle.toFixed(1)} ms with nothing to draw)`);
  check(drag < 1000, `dashboard: the 100-run overlay re-decimates and redraws a zoom in under a second (${drag.toFixed(0)} ms)`);
}

async function dashboard(page: Page, base: string): Promise<void> {
  for (const theme of ['dark', 'light', 'hc'] as const) {
    await open(page, base, 'dashboard', theme);
    const box = await page.locator('canvas').first().boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
    await page.waitForTimeout(150);
    await shot(page, `dashboard-${theme}`);
  }
  check((await page.locator('.chart-tooltip:not([hidden])').count()) === 1, 'dashboard: hovering the loss chart shows a read-out');
  // Drag across the loss chart to zoom into steps ~30k–50k; the read-out in the middle then reads ~40k.
  // uPlot's .u-over covers exactly the plotting area.
  const lossBox = await page.locator('.u-over').first().boundingBox();
  if (lossBox) {
    const plotX = (f: number): number => lossBox.x + lossBox.width * f;
    await page.mouse.move(plotX(0.3), lossBox.y + 120);
    await page.mouse.down();
    await page.mouse.move(plotX(0.4), lossBox.y + 120, { steps: 3 });
    await page.mouse.move(plotX(0.5), lossBox.y + 120, { steps: 3 });
    await page.mouse.up();
    await page.mouse.move(plotX(0.5), lossBox.y + 120);
    await page.waitForTimeout(200);
    await shot(page, 'dashboard-hc-zoomed');
    const readout = await page.locator('.chart-tooltip').first().textContent();
    const step = Number(/@ step (\d+)/.exec(readout ?? '')?.[1]);
    check(step > 37_000 && step < 43_000, `dashboard: dragging zooms the loss chart (middle read-out at step ${step})`);
    await page.mouse.dblclick(plotX(0.5), lossBox.y + 120);
    await page.waitForTimeout(200);
    await page.mouse.move(plotX(0.5), lossBox.y + 121);
    await page.waitForTimeout(200);
    const reset = Number(/@ step (\d+)/.exec((await page.locator('.chart-tooltip').first().textContent()) ?? '')?.[1]);
    check(reset > 47_000 && reset < 53_000, `dashboard: double-click shows the whole range again (middle read-out at step ${reset})`);
  }
  const idle = await frameTime(page, 'nothing', 15);
  const ms = await frameTime(page, 'smoothing', 15);
  figures.push(`dashboard: re-smoothing and redrawing 146,100 points over 3 runs: median ${ms.toFixed(1)} ms for two frames (${idle.toFixed(1)} ms with nothing to draw)`);
  const dragMs = await frameTime(page, 'drag', 16);
  figures.push(`dashboard: zooming the loss chart (100,000-point run) by a drag, and back by a double-click: median ${dragMs.toFixed(1)} ms for two frames`);
  await page.getByText('Export PNG').click();
  await page.getByText('Export CSV').click();
  await page.waitForTimeout(300);
  const messages = await posted(page);
  const png = messages.find((m) => m.type === 'exportPng');
  check(png !== undefined && String(png.dataUrl).startsWith('data:image/png;base64,') && png.fileName === '3 runs curves.png', 'dashboard: Export PNG posts a PNG data URL with a safe file name');
  if (png) writeFileSync(join(outDir, 'dashboard-export.png'), Buffer.from(String(png.dataUrl).split(',')[1], 'base64'));
  const csv = messages.find((m) => m.type === 'exportCsv');
  const csvLines = String(csv?.csv ?? '').split('\r\n');
  check(csvLines[0].startsWith('run_id,run_name,kind,step,epoch,time,loss') && csvLines.length > 146_000, `dashboard: Export CSV posts every line (${csvLines.length - 2} rows)`);
  await page.locator('.inspect-row').nth(2).getByText('Nearest neighbours').click();
  await page.locator('.inspect-row').nth(0).getByText('Embedding map').click();
  await page.waitForTimeout(200);
  const opens = (await posted(page)).filter((m) => m.type === 'openGallery' || m.type === 'openMap');
  check(opens.length === 2 && opens[0].runId === 'r-byol' && opens[1].runId === 'r-simclr-t01', 'dashboard: the Embeddings buttons ask the host to open the gallery or the map for that run');
  // Live training: appended lines extend the curve without a reload.
  const before = await page.evaluate(() => (document.querySelector('canvas') as HTMLCanvasElement).toDataURL());
  await page.evaluate(() => {
    const train = Array.from({ length: 400 }, (_, i) => ({ step: 6101 + i, epoch: 13, time: 122 + i * 0.02, loss: 0.3 + 0.05 * Math.sin(i), lr: 0.001, samplesPerSec: 1800 }));
    window.postMessage({ type: 'metrics', runId: 'r-byol', reset: false, train, eval: [] }, '*');
  });
  await page.waitForTimeout(300);
  const after = await page.evaluate(() => (document.querySelector('canvas') as HTMLCanvasElement).toDataURL());
  check(before !== after, 'dashboard: a live metrics append redraws the loss curve');
  await page.getByText('Export CSV').click();
  await page.waitForTimeout(300);
  const csvAfter = (await posted(page)).filter((m) => m.type === 'exportCsv').pop();
  check(String(csvAfter?.csv ?? '').split('\r\n').length === csvLines.length + 400, 'dashboard: the appended lines are in the next CSV export');
  // State survives a reload: change the controls, reload, and see them restored.
  await page.evaluate(() => {
    const s = document.querySelector('input[type=range]') as HTMLInputElement;
    s.value = '0.9';
    s.dispatchEvent(new Event('input'));
  });
  await page.getByText('Log scale').click();
  await page.locator('.legend-item').nth(1).click();
  await page.reload();
  await page.waitForTimeout(800);
  const restored = await page.evaluate(() => ({
    smoothing: (document.querySelector('input[type=range]') as HTMLInputElement).value,
    log: (document.querySelector('vscode-checkbox') as HTMLElement & { checked: boolean }).checked,
    off: document.querySelectorAll('.legend-item.off').length,
  }));
  check(restored.smoothing === '0.9' && restored.log && restored.off === 1, `dashboard: smoothing, log scale and hidden runs survive a reload (${JSON.stringify(restored)})`);
  await page.evaluate(() => {
    const d = document.querySelector('vscode-single-select') as HTMLElement & { value: string };
    d.value = 'epoch';
    d.dispatchEvent(new Event('change'));
  });
  await page.waitForTimeout(300);
  await shot(page, 'dashboard-dark-log-epoch');
}

async function gallery(page: Page, base: string): Promise<void> {
  await open(page, base, 'gallery', 'dark');
  await shot(page, 'gallery-dark');
  const query = (await posted(page)).filter((m) => m.type === 'query').pop();
  check(query?.index === 4242, 'gallery: a query sent by the host (from the map) asks for its neighbours');
  check((await page.locator('.neighbour').count()) === 10, 'gallery: shows k = 10 neighbours');
  check((await page.locator('.browse .thumb-button.current').count()) === 1, 'gallery: the sample browser turns to the page holding a query sent from the map');
  const wrong = await page.locator('.neighbour.mismatch').count();
  check(wrong > 0, `gallery: wrong-label neighbours are marked (${wrong} of 10)`);
  await page.locator('.neighbour').nth(2).click();
  await page.waitForTimeout(300);
  const next = (await posted(page)).filter((m) => m.type === 'query').pop();
  check(next !== undefined && next.index !== 4242, 'gallery: clicking a neighbour makes it the query');
  const thumbIndex = Number(/^#(\d+)/.exec((await page.locator('.browse .thumb-button').nth(7).getAttribute('title')) ?? '')?.[1]);
  await page.locator('.browse .thumb-button').nth(7).click();
  await page.waitForTimeout(300);
  check((await posted(page)).filter((m) => m.type === 'query').pop()?.index === thumbIndex, `gallery: clicking a thumbnail in the browser picks it as the query (#${thumbIndex})`);
  await page.locator('vscode-textfield input').first().fill('123');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  check((await posted(page)).filter((m) => m.type === 'query').pop()?.index === 123, 'gallery: typing an index picks the query');
  await page.reload();
  await page.waitForTimeout(800);
  check((await posted(page)).filter((m) => m.type === 'query').pop()?.index === 123, 'gallery: the query survives a reload');
  await page.locator('vscode-textfield input').nth(1).fill('/data/new-image.png');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  const fileQuery = (await posted(page)).filter((m) => m.type === 'searchFile').pop();
  check(fileQuery?.path === '/data/new-image.png' && fileQuery.k === 10, 'gallery: a path typed in the Query file box asks the host to search with that file');
  check((await page.locator('.neighbour').count()) === 10 && ((await page.locator('.query-card').textContent()) ?? '').includes('/data/new-image.png'), 'gallery: the file\'s nearest items are shown, with the file as the query');
  await shot(page, 'gallery-dark-file-query');
  // Explorer -> Find Similar in Run...: the host sends the file; the page searches with its k.
  await page.evaluate(() => window.postMessage({ type: 'searchFile', path: '/photos/cat.jpg' }, '*'));
  await page.waitForTimeout(300);
  check((await posted(page)).filter((m) => m.type === 'searchFile').pop()?.path === '/photos/cat.jpg', 'gallery: a file sent by the host (Find Similar in Run…) becomes the query');
  await page.evaluate(() => sessionStorage.clear());
  await galleryTowers(page, base);
  await open(page, base, 'gallery', 'light');
  await shot(page, 'gallery-light');
  await page.evaluate(() => sessionStorage.clear());
  await open(page, base, 'gallery', 'hc', 'vectors');
  await shot(page, 'gallery-hc-vectors');
}

/** A two-tower run in the gallery: typed text finds images, an image file finds captions (shown as text). */
async function galleryTowers(page: Page, base: string): Promise<void> {
  await open(page, base, 'gallery', 'dark', 'towers');
  const textBox = page.locator('vscode-textfield[aria-label^="Search the images with text"] input');
  check((await textBox.count()) === 1 && (await textBox.isVisible()), 'gallery (two towers): the Query text box is shown on a run with a text tower');
  await textBox.fill('a handwritten seven');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  const asked = (await posted(page)).filter((m) => m.type === 'searchText').pop();
  check(asked?.text === 'a handwritten seven' && asked.k === 10, 'gallery (two towers): typed text asks the host to search with it (searchText, k = 10)');
  const cards = page.locator('.neighbour');
  const thumbnails = await page.locator('.neighbour [role="img"]').count();
  check((await cards.count()) === 10 && thumbnails === 10 && (await page.locator('.neighbour .caption-text').count()) === 0, `gallery (two towers): the text's nearest images are shown as thumbnails with distances (${thumbnails} thumbnails)`);
  check(((await page.locator('.query-card').textContent()) ?? '').includes('a handwritten seven') && ((await cards.first().locator('.distance').textContent()) ?? '').startsWith('d = '), 'gallery (two towers): the text is the query; each image has its distance');
  await shot(page, 'gallery-dark-towers-text-query');
  await page.locator('vscode-textfield input').nth(1).fill('/data/seven.png');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  const captions = await page.locator('.neighbour.caption .caption-text').allTextContents();
  check(captions.length === 10 && captions.every((c) => /^“.+”$/.test(c)) && (await page.locator('.neighbour [role="img"]').count()) === 0, `gallery (two towers): an image file's nearest captions are listed as text (${captions.slice(0, 2).join(', ')} …)`);
  check(((await page.locator('p.muted').allTextContents()).join(' ')).includes('nearest captions to /data/seven.png'), 'gallery (two towers): the summary says they are captions');
  await shot(page, 'gallery-dark-towers-image-query');
  await page.evaluate(() => sessionStorage.clear());
  await open(page, base, 'gallery', 'dark');
  check(!(await page.locator('vscode-textfield[aria-label^="Search the images with text"]').isVisible()), 'gallery: a one-tower run has no Query text box');
}

async function map(page: Page, base: string): Promise<void> {
  await open(page, base, 'map', 'dark');
  await shot(page, 'map-dark-pca');
  const canvas = page.locator('.scatter canvas[aria-label="Embedding map"]').first();
  const box = await canvas.boundingBox();
  if (box === null) throw new Error('map: no canvas');
  // Find a point to hover: scan a few positions until the tooltip appears.
  let hovered = false;
  for (let k = 0; k < 40 && !hovered; k++) {
    await page.mouse.move(box.x + box.width * (0.3 + 0.01 * k), box.y + box.height * (0.35 + 0.008 * k));
    await page.waitForTimeout(40);
    hovered = (await page.locator('.map-tooltip:not([hidden])').count()) === 1;
  }
  check(hovered, 'map: hovering a point shows its tooltip with thumbnail');
  await shot(page, 'map-dark-hover');
  const shownId = await page.locator('.map-tooltip .tooltip-id').textContent();
  check(shownId !== null && shownId !== '…' && shownId.length > 0, `map: the tooltip shows the id the host describes (${shownId})`);
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForTimeout(300);
  const asked = (await posted(page)).filter((m) => m.type === 'neighbours').pop();
  check(typeof asked?.index === 'number' && asked.k === 10, 'map: clicking a point asks the host for its exact neighbours');
  check((await page.locator('.map-neighbours .neighbour-row').count()) === 10 && (await page.locator('.map-neighbours .space-note').textContent()) === 'Original space, exact', 'map: the neighbours are listed, labelled as exact in the original space');
  check((await page.locator('.scatter-overlay .ring.neighbour').count()) === 10, 'map: the neighbours are ringed on the map');
  await shot(page, 'map-dark-neighbours');
  await page.locator('.map-neighbours vscode-button').click();
  await page.waitForTimeout(100);
  check((await posted(page)).some((m) => m.type === 'openGallery' && m.index === asked?.index), 'map: Open in gallery asks the host to open the gallery on the selected point');
  await choose(page, 'Neighbours', 'projection');
  await page.waitForTimeout(100);
  check(((await page.locator('.map-neighbours .space-note').textContent()) ?? '').startsWith('On the 2-D') && (await page.locator('.map-neighbours .neighbour-row').count()) === 10, 'map: neighbours on the picture are listed and labelled as such');
  await choose(page, 'Neighbours', 'original');
  // Shift+drag a lasso around the middle of the map: its points go to the gallery.
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  for (const [fx, fy] of [[0.7, 0.3], [0.7, 0.7], [0.3, 0.7], [0.3, 0.31]]) await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await page.waitForTimeout(200);
  const lasso = (await posted(page)).filter((m) => m.type === 'showSelection').pop() as { indices: number[]; total: number } | undefined;
  check(lasso !== undefined && lasso.total > 100 && lasso.indices.length === Math.min(lasso.total, 10_000), `map: a Shift+drag lasso sends its points to the gallery (${lasso?.total ?? 0} points)`);
  await shot(page, 'map-dark-lasso');
  await choose(page, 'Colour by', 'confidence');
  await page.waitForTimeout(150);
  check((await page.locator('.map-legend .map-ramp').count()) === 1, 'map: colouring by a number column shows a colour ramp');
  await shot(page, 'map-dark-confidence');
  await choose(page, 'Colour by', 'label');
  const hoverMs = await page.evaluate(async () => {
    const c = document.querySelector('.scatter canvas[aria-label="Embedding map"]') as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) c.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + (i * 37) % r.width, clientY: r.top + (i * 53) % r.height, bubbles: true }));
    return (performance.now() - t0) / 500;
  });
  figures.push(`map: hover hit-test over ${SAMPLE_COUNT} points: ${(hoverMs * 1000).toFixed(0)} µs per pointer move`);
  const drawMs = await frameTime(page, 'zoom', 15);
  const idle = await frameTime(page, 'nothing', 15);
  figures.push(`map: zoom redraw of ${SAMPLE_COUNT} points: median ${drawMs.toFixed(1)} ms for two frames (${idle.toFixed(1)} ms with nothing to draw)`);
  await page.evaluate(() => {
    const d = document.querySelector('vscode-single-select') as HTMLElement & { value: string };
    d.value = 'umap';
    d.dispatchEvent(new Event('change'));
  });
  await page.waitForTimeout(600);
  check((await posted(page)).some((m) => m.type === 'requestProjection' && m.method === 'umap'), 'map: switching to UMAP requests the projection');
  await page.locator('.legend-item').nth(3).click();
  await page.waitForTimeout(200);
  await shot(page, 'map-dark-umap-hidden3');
  await page.reload();
  await page.waitForTimeout(900);
  const method = await page.evaluate(() => (document.querySelector('vscode-single-select') as HTMLElement & { value: string }).value);
  check(method === 'umap' && (await page.locator('.legend-item.off').count()) === 1, 'map: projection and hidden labels survive a reload');
  await page.evaluate(() => sessionStorage.clear());
  await mapTowers(page, base);
  await open(page, base, 'map', 'light');
  await shot(page, 'map-light-pca');
  await open(page, base, 'map', 'hc');
  await page.locator('.scatter canvas[aria-label="Embedding map"]').first().focus();
  for (const key of ['+', '+', 'ArrowLeft']) await page.keyboard.press(key);
  await page.waitForTimeout(200);
  await shot(page, 'map-hc-keyboard-zoom');
}

/** A two-tower run on the map: coloured by tower, and hovering a point rings its partner, joined by a line. */
async function mapTowers(page: Page, base: string): Promise<void> {
  await open(page, base, 'map', 'dark', 'towers');
  const legendItems = await page.locator('.map-legend .legend-item').allTextContents();
  check(legendItems.length === 2 && legendItems[0]!.startsWith('tower a') && legendItems[1]!.startsWith('tower b (text)'), `map (two towers): coloured by tower, the legend names tower a and the text tower b (${legendItems.join(' / ')})`);
  const canvas = page.locator('.scatter canvas[aria-label="Embedding map"]').first();
  const box = await canvas.boundingBox();
  if (box === null) throw new Error('map: no canvas');
  let hovered = false;
  for (let k = 0; k < 40 && !hovered; k++) {
    await page.mouse.move(box.x + box.width * (0.3 + 0.01 * k), box.y + box.height * (0.35 + 0.008 * k));
    await page.waitForTimeout(40);
    hovered = (await page.locator('.map-tooltip:not([hidden])').count()) === 1;
  }
  const index = Number(/^#(\d+)/.exec((await page.locator('.map-tooltip .label').textContent()) ?? '')?.[1]);
  const pairText = (await page.locator('.map-tooltip .tooltip-pair').textContent()) ?? '';
  const partner = index < 5000 ? index + 5000 : index - 5000;
  check(hovered && pairText === `tower ${index < 5000 ? 'a' : 'b (text)'} · partner #${partner}`, `map (two towers): the tooltip names the point's tower and its partner (${pairText})`);
  check((await page.locator('.scatter-overlay .ring.partner').count()) === 1 && (await page.locator('.scatter-overlay .pair-line').count()) === 1, 'map (two towers): hovering a point rings its partner and joins the pair with a line');
  await shot(page, 'map-dark-towers-pair-hover');
  await page.mouse.move(box.x + 2, box.y + 2);
  await page.waitForTimeout(100);
  check((await page.locator('.scatter-overlay .pair-line').count()) === 0, 'map (two towers): the pair line goes with the hover');
  await page.evaluate(() => sessionStorage.clear());
}

async function experiments(page: Page, base: string): Promise<void> {
  for (const theme of ['light', 'hc', 'dark'] as const) {
    await open(page, base, 'experiments', theme);
    await page.locator('.grid-row').nth(4).click();
    await page.locator('.grid-row').nth(6).click({ modifiers: ['Shift'] });
    await page.waitForTimeout(100);
    await shot(page, `experiments-${theme}`);
  }
  const rendered = await page.locator('.grid-row').count();
  check(rendered > 10 && rendered < 80, `experiments: ${RUN_COUNT} runs, ${rendered} rows in the DOM (only the visible window)`);
  // Scrolling: a jump to the middle shows the rows there; the median frame of 40 scroll steps is measured in the page.
  const scroll = await page.evaluate(async (count) => {
    const grid = document.querySelector('.grid') as HTMLElement;
    const times: number[] = [];
    const idle: number[] = [];
    for (let i = 0; i < 80; i++) {
      // Even turns jump somewhere new; odd turns do nothing (the frame's own cost, for comparison).
      // The grid draws in its animation-frame callback, before this one; offsetHeight forces the layout.
      const t0 = performance.now();
      if (i % 2 === 0) {
        grid.scrollTop = ((i * 997) % count) * 26;
        grid.dispatchEvent(new Event('scroll'));
      }
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      void document.body.offsetHeight;
      (i % 2 === 0 ? times : idle).push(performance.now() - t0);
    }
    idle.sort((a, b) => a - b);
    grid.scrollTop = 1000 * 26;
    grid.dispatchEvent(new Event('scroll'));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    times.sort((a, b) => a - b);
    return { median: times[20]!, worst: times[39]!, idle: idle[20]!, names: [...document.querySelectorAll('.grid-row')].map((r) => r.children[1]!.textContent) };
  }, RUN_COUNT);
  check(scroll.names.includes('sweep-1000'), 'experiments: scrolled to the middle, the rows there are drawn');
  figures.push(`experiments: scrolling ${RUN_COUNT} runs to 40 places: median ${scroll.median.toFixed(1)} ms, worst ${scroll.worst.toFixed(1)} ms to the next drawn frame (${scroll.idle.toFixed(1)} ms for a frame with nothing to draw)`);
  await page.evaluate(() => ((document.querySelector('.grid') as HTMLElement).scrollTop = 0));
  await page.waitForTimeout(100);
  await page.locator('.grid-sort', { hasText: 'kNN' }).first().click();
  await page.locator('.grid-sort', { hasText: 'loss.temperature' }).click({ modifiers: ['Shift'] });
  await page.waitForTimeout(200);
  const layouts = (await posted(page)).filter((m) => m.type === 'setLayout').map((m) => (m.layout as { sort: unknown[] }).sort);
  check(JSON.stringify(layouts.at(-1)) === JSON.stringify([{ column: 'knn', descending: false }, { column: 'loss.temperature', descending: false }]), `experiments: a header click sorts, shift-click adds a key (${JSON.stringify(layouts.at(-1))})`);
  check((await page.locator('.grid-sort', { hasText: 'kNN 1↑' }).count()) === 1, 'experiments: the header shows the sort rank and direction');
  // Keyboard: the grid takes focus, arrows move, shift+arrow extends, Enter opens the overlay.
  await page.locator('.grid').focus();
  for (const key of ['Home', 'ArrowDown', 'ArrowDown', 'Shift+ArrowDown', 'Shift+ArrowDown', 'Enter']) await page.keyboard.press(key);
  await page.waitForTimeout(100);
  const opened = (await posted(page)).filter((m) => m.type === 'openDashboard').pop();
  check(JSON.stringify(opened?.runKeys) === JSON.stringify(['sweep-0002', 'sweep-0003', 'sweep-0004'].map((n, i) => `20261202-0300000${i + 2}-${n}`)), `experiments: keyboard selection + Enter opens the dashboard overlay of 3 runs (${JSON.stringify(opened?.runKeys)})`);
  await page.keyboard.press('*');
  await page.waitForTimeout(200);
  const starred = (await posted(page)).filter((m) => m.type === 'annotate').pop();
  check(starred?.star === true && starred.runKey === '20261202-03000004-sweep-0004', 'experiments: * stars the active run');
  check((await page.locator('.grid-row.active .grid-cell.star').textContent()) === '★', 'experiments: the star shows in the row');
  await specComparison(page);
  await page.locator('vscode-textfield').first().click();
  await page.keyboard.type('knn >');
  await page.waitForTimeout(600);
  check((await posted(page)).filter((m) => m.type === 'setLayout').pop()?.layout !== undefined && ((await posted(page)).filter((m) => m.type === 'setLayout').pop()!.layout as { filter: string }).filter === 'knn >', 'experiments: typing a filter sends it to the host');
  check((await page.locator('.problem:not([hidden])').count()) === 1, 'experiments: a filter problem is shown with its caret');
  await shot(page, 'experiments-dark-filter-problem');
  await page.locator('.grid-hcell', { hasText: 'loss.temperature' }).hover();
  await page.locator('.grid-hcell', { hasText: 'loss.temperature' }).locator('.grid-icon').first().click();
  await page.waitForTimeout(200);
  const pinned = ((await posted(page)).filter((m) => m.type === 'setLayout').pop()?.layout as { pinned: string[] }).pinned;
  check(JSON.stringify(pinned) === JSON.stringify(['loss.temperature']), 'experiments: the pin button pins a column');
  await page.locator('.grid-row .grid-cell.star').nth(1).click();
  await page.waitForTimeout(200);
  const clicked = (await posted(page)).filter((m) => m.type === 'annotate').pop();
  check(clicked?.star === true && clicked.runKey === '20261202-03000001-sweep-0001', 'experiments: clicking a row\'s star stars that run');
  check((await page.locator('header .muted').first().textContent()) === `${RUN_COUNT} runs`, 'experiments: the toolbar counts the runs');
  await columnDrags(page, base);
  await experimentPlots(page, base);
  await groupedExperiments(page, base);
}

/**
 * Runs grouped by sweep (the host's order: GROUPED_SINGLES runs of no sweep, then sweeps of
 * GROUP_SIZE): header lines, a header click selects its runs, ←/→ and the chevron collapse and
 * expand, scrolling stays virtualised, and the toggle turns grouping off.
 */
async function groupedExperiments(page: Page, base: string): Promise<void> {
  await page.evaluate(() => sessionStorage.clear());
  await open(page, base, 'experiments', 'dark', 'grouped');
  const sweep = (n: number): string => `20261202-030000-sweep-${String(n).padStart(3, '0')}`;
  const lastLayout = async (): Promise<{ collapsed?: string[]; groupBySweep?: boolean }> => ((await posted(page)).filter((m) => m.type === 'setLayout').pop()?.layout ?? {}) as { collapsed?: string[]; groupBySweep?: boolean };
  const first = page.locator(`.grid-group[data-sweep="${sweep(0)}"]`);
  const title = await first.locator('.grid-group-text').textContent();
  check(/^sweep \S+ · 12 of 14 runs \(12 completed\) · best kNN↓ \d+\.\d\d% · varies loss\.temperature, architecture\.backbone\.type · base simclr\.contrastive\.yaml$/.test(title ?? '') && title!.startsWith(`sweep ${sweep(0)} · ${GROUP_SIZE} of ${GROUP_SIZE + 2} runs`), `experiments grouped: the header names the sweep, its runs and states, what it varies, its base spec and best value ("${title}")`);
  check((await page.locator('.grid').getAttribute('role')) === 'treegrid' && (await first.getAttribute('aria-expanded')) === 'true', 'experiments grouped: the grid is a treegrid, the group expanded');
  const rendered = await page.locator('.grid-row').count();
  check(rendered > 10 && rendered < 80 && (await page.locator('.grid-row.grouped').count()) >= GROUP_SIZE, `experiments grouped: ${RUN_COUNT} runs in ${(RUN_COUNT - GROUPED_SINGLES) / GROUP_SIZE} sweeps, ${rendered} lines in the DOM`);
  check((await page.locator('vscode-checkbox', { hasText: 'Group by sweep' }).isVisible()), 'experiments grouped: the "Group by sweep" toggle is offered');
  // A header click selects the sweep's runs; Enter opens their overlay.
  await first.locator('.grid-group-text').click();
  await page.waitForTimeout(100);
  const selectedRows = await page.locator('.grid-row.grouped.selected').count();
  check(selectedRows === GROUP_SIZE && (await page.locator('vscode-button', { hasText: `Overlay ${GROUP_SIZE} runs` }).count()) === 1, `experiments grouped: clicking the header selects its ${GROUP_SIZE} runs (${selectedRows})`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  const opened = (await posted(page)).filter((m) => m.type === 'openDashboard').pop()?.runKeys as string[] | undefined;
  const groupKeys = await page.evaluate((id) => (window as unknown as { harnessData: { table: { groups: { id: string; runKeys: string[] }[] } } }).harnessData.table.groups.find((g) => g.id === id)!.runKeys, sweep(0));
  check(JSON.stringify(opened) === JSON.stringify(groupKeys), `experiments grouped: Enter on the header opens the overlay of its runs (${opened?.length})`);
  await shot(page, 'experiments-dark-grouped');
  // ← collapses the active group: its runs go, the next sweep's header follows; the selection stays.
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(300);
  const next = await page.locator(`.grid-row[data-index="${GROUPED_SINGLES + 1}"]`).getAttribute('data-sweep');
  check(JSON.stringify((await lastLayout()).collapsed) === JSON.stringify([sweep(0)]) && (await first.getAttribute('aria-expanded')) === 'false' && next === sweep(1), `experiments grouped: ← collapses the group, the next sweep follows its header (${next})`);
  check((await page.locator('vscode-button', { hasText: `Overlay ${GROUP_SIZE} runs` }).count()) === 1, 'experiments grouped: a collapsed group\'s runs stay selected');
  await shot(page, 'experiments-dark-grouped-collapsed');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(300);
  check(JSON.stringify((await lastLayout()).collapsed) === '[]' && (await page.locator(`.grid-row[data-index="${GROUPED_SINGLES + 1}"]`).getAttribute('data-sweep')) === null, 'experiments grouped: → expands it again');
  // ↓ into the group, ← back to its header (as in a tree).
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(100);
  check((await page.locator('.grid-row.active').getAttribute('data-sweep')) === sweep(0), 'experiments grouped: ← on a run of a sweep moves to its header');
  // The mouse: the chevron collapses a group.
  await page.locator(`.grid-group[data-sweep="${sweep(1)}"] .grid-group-toggle`).click();
  await page.waitForTimeout(300);
  const afterClick = await page.locator(`.grid-row[data-index="${GROUPED_SINGLES + GROUP_SIZE + 2}"]`).getAttribute('data-sweep');
  check(JSON.stringify((await lastLayout()).collapsed) === JSON.stringify([sweep(1)]) && afterClick === sweep(2), `experiments grouped: the chevron collapses its group (${afterClick})`);
  // Virtualised over header lines too: a jump to the end draws the last run.
  const scroll = await page.evaluate(async () => {
    const grid = document.querySelector('.grid') as HTMLElement;
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      grid.scrollTop = ((i * 997) % 2100) * 26;
      grid.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      void document.body.offsetHeight;
      times.push(performance.now() - t0);
    }
    grid.scrollTop = grid.scrollHeight;
    grid.dispatchEvent(new Event('scroll'));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    times.sort((a, b) => a - b);
    return { median: times[20]!, worst: times[39]!, lines: document.querySelectorAll('.grid-row').length, names: [...document.querySelectorAll('.grid-row.grouped')].map((r) => r.children[1]!.textContent) };
  });
  check(scroll.names.includes(`sweep-${RUN_COUNT - 1}`) && scroll.lines < 80, `experiments grouped: scrolled to the end, the last run is drawn (${scroll.lines} lines in the DOM)`);
  figures.push(`experiments grouped: scrolling ${RUN_COUNT} runs in ${(RUN_COUNT - GROUPED_SINGLES) / GROUP_SIZE} sweeps to 40 places: median ${scroll.median.toFixed(1)} ms, worst ${scroll.worst.toFixed(1)} ms to the next drawn frame`);
  // Grouping off: plain rows, a plain grid.
  await page.locator('vscode-checkbox', { hasText: 'Group by sweep' }).click();
  await page.waitForTimeout(300);
  check((await lastLayout()).groupBySweep === false && (await page.locator('.grid-group').count()) === 0 && (await page.locator('.grid').getAttribute('role')) === 'grid', 'experiments grouped: the toggle turns grouping off (kept in the layout)');
  for (const theme of ['light', 'hc'] as const) {
    await page.evaluate(() => sessionStorage.clear());
    await open(page, base, 'experiments', theme, 'grouped');
    await page.locator(`.grid-group[data-sweep="${sweep(0)}"] .grid-group-text`).click();
    await shot(page, `experiments-${theme}-grouped`);
  }
}

/** Three selected runs: Compare specs asks the host, whose answer is a table of the differing paths; Re-run and Edit and run name the runs. */
async function specComparison(page: Page): Promise<void> {
  const keys = ['sweep-0002', 'sweep-0003', 'sweep-0004'].map((n, i) => `20261202-0300000${i + 2}-${n}`);
  await page.locator('vscode-button', { hasText: 'Compare specs' }).click();
  await page.waitForTimeout(100);
  const asked = (await posted(page)).filter((m) => m.type === 'compareSpecs').pop();
  check(JSON.stringify(asked?.runKeys) === JSON.stringify(keys), `experiments: Compare specs asks for the 3 selected runs (${JSON.stringify(asked?.runKeys)})`);
  await page.evaluate((k) => window.postMessage({
    type: 'specDiff',
    runs: k.map((key, i) => ({ key, name: `sweep-000${i + 2}` })),
    rows: [
      { path: 'loss.temperature', values: { [k[0]!]: '0.05', [k[1]!]: '0.1', [k[2]!]: '0.05' } },
      { path: 'optimizer.lr', values: { [k[0]!]: '0.001', [k[1]!]: '0.001' } },
    ],
  }, '*'), keys);
  await page.waitForTimeout(100);
  const diff = await page.evaluate(() => ({
    header: [...document.querySelectorAll('.spec-diff-table thead th')].map((c) => c.textContent),
    rows: [...document.querySelectorAll('.spec-diff-table tbody tr')].map((r) => [...r.children].map((c) => `${c.textContent}${c.classList.contains('differs') ? '*' : ''}`)),
  }));
  check(JSON.stringify(diff.header) === JSON.stringify(['path', 'sweep-0002', 'sweep-0003', 'sweep-0004']), `experiments: the spec comparison has a column per run (${JSON.stringify(diff.header)})`);
  check(JSON.stringify(diff.rows) === JSON.stringify([['loss.temperature', '0.05', '0.1*', '0.05'], ['optimizer.lr', '0.001', '0.001', '(not set)*']]), `experiments: one row per differing path, values unlike the first run's marked (${JSON.stringify(diff.rows)})`);
  await shot(page, 'experiments-dark-spec-diff');
  await page.locator('.spec-diff vscode-button').click();
  check((await page.locator('.spec-diff:not([hidden])').count()) === 0, 'experiments: the spec comparison closes');
  await page.locator('vscode-button', { hasText: 'Re-run 3' }).click();
  await page.locator('vscode-button', { hasText: 'Edit and run' }).click();
  await page.waitForTimeout(100);
  const rerun = (await posted(page)).filter((m) => m.type === 'rerun').pop();
  const edit = (await posted(page)).filter((m) => m.type === 'editAndRun').pop();
  check(JSON.stringify(rerun?.runKeys) === JSON.stringify(keys) && edit?.runKey === keys[2], `experiments: Re-run names the selected runs, Edit and run the active one (${JSON.stringify(rerun?.runKeys)}, ${String(edit?.runKey)})`);
}

/** Columns move by dragging their title (or Alt+arrows) and resize by dragging their edge (or arrows); the layout keeps both. */
async function columnDrags(page: Page, base: string): Promise<void> {
  await open(page, base, 'experiments', 'dark');
  const lastLayout = async (): Promise<{ order?: string[]; widths?: Record<string, number> }> => ((await posted(page)).filter((m) => m.type === 'setLayout').pop()?.layout ?? {}) as { order?: string[]; widths?: Record<string, number> };
  const knnTitle = page.locator('.grid-sort', { hasText: /^kNN/ });
  const target = (await page.locator('.grid-hcell', { hasText: /^status/ }).boundingBox())!;
  await knnTitle.dragTo(page.locator('.grid-hcell', { hasText: /^status/ }), { targetPosition: { x: 4, y: target.height / 2 } });
  await page.waitForTimeout(300);
  const order = (await lastLayout()).order ?? [];
  check(order.indexOf('knn') === order.indexOf('status') - 1, `experiments: dragging the kNN title onto the left half of status moves it just before (${JSON.stringify(order)})`);
  const titles = await page.locator('.grid-hcell .grid-sort').allInnerTexts();
  check(titles.findIndex((t) => t.startsWith('kNN')) === titles.findIndex((t) => t.startsWith('status')) - 1, 'experiments: the header shows the moved column there');
  await page.locator('.grid-sort', { hasText: /^loss\.temperature/ }).focus();
  await page.keyboard.press('Alt+ArrowLeft');
  await page.waitForTimeout(300);
  const moved = (await lastLayout()).order ?? [];
  check(moved.indexOf('loss.temperature') === order.indexOf('loss.temperature') - 1, `experiments: Alt+← moves a column one place left (${JSON.stringify(moved)})`);
  const cell = page.locator('.grid-hcell', { hasText: /^kNN/ });
  const before = (await cell.boundingBox())!.width;
  const edge = (await cell.locator('.grid-resize').boundingBox())!;
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await page.mouse.down();
  await page.mouse.move(edge.x + 40, edge.y + edge.height / 2, { steps: 4 });
  await page.mouse.move(edge.x + 80, edge.y + edge.height / 2, { steps: 4 });
  await page.mouse.up();
  await page.waitForTimeout(300);
  const widths = (await lastLayout()).widths ?? {};
  const after = (await cell.boundingBox())!.width;
  const rowCell = await page.locator('.grid-row').first().locator('.grid-cell').nth(titles.findIndex((t) => t.startsWith('kNN'))).boundingBox();
  check(Math.abs((widths.knn ?? 0) - (before + 80)) <= 2 && Math.abs(after - (before + 80)) <= 2 && Math.abs((rowCell?.width ?? 0) - after) <= 1, `experiments: dragging the kNN edge 80 px widens the column and its cells, and the layout keeps it (${before} → ${after}, ${JSON.stringify(widths)})`);
  await cell.locator('.grid-resize').focus();
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(300);
  check((await lastLayout()).widths?.knn === (widths.knn ?? 0) - 10, 'experiments: ← on a focused column edge narrows it by 10 px');
  await shot(page, 'experiments-dark-columns-moved-resized');
}

/** Chooses `value` in the dropdown labelled `label` (as a user's pick fires 'change'). */
async function choose(page: Page, label: string, value: string): Promise<void> {
  await page.evaluate(([l, v]) => {
    const d = document.querySelector(`vscode-single-select[aria-label="${l}"]`) as HTMLElement & { value: string };
    d.value = v!;
    d.dispatchEvent(new Event('change'));
  }, [label, value]);
  await page.waitForTimeout(300);
}

async function experimentPlots(page: Page, base: string): Promise<void> {
  await open(page, base, 'experiments', 'dark');
  check((await page.locator('.plot-panel:not([hidden])').count()) === 0, 'experiments plot: closed until chosen');
  await choose(page, 'Plot', 'scatter');
  const plot = ((await posted(page)).filter((m) => m.type === 'setLayout').pop()?.layout as { plot?: { kind: string; x: string; y: string } }).plot;
  check(plot?.kind === 'scatter' && plot.x === 'architecture.backbone.type' && plot.y === 'knn', `experiments plot: scatter opens on the first changed parameter against kNN (${JSON.stringify(plot)})`);
  check((await page.locator('.plot-point').count()) === RUN_COUNT, `experiments plot: one point per run (${await page.locator('.plot-point').count()})`);
  await choose(page, 'Colour by', 'loss.temperature');
  await shot(page, 'experiments-dark-scatter-categorical');
  await choose(page, 'Horizontal axis', 'optimizer.lr');
  await page.locator('vscode-checkbox', { hasText: 'log x' }).click();
  await page.waitForTimeout(300);
  check(((await posted(page)).filter((m) => m.type === 'setLayout').pop()?.layout as { plot: { logX: boolean } }).plot.logX, 'experiments plot: log x is kept in the layout');
  check((await page.locator('.plot-titles text', { hasText: 'optimizer.lr (log)' }).count()) === 1, 'experiments plot: the x axis says it is logarithmic');
  // A click on a point selects its run in the table (and scrolls to it).
  await page.locator('.plot-point').nth(1234).click({ force: true });
  await page.waitForTimeout(200);
  const key = await page.evaluate(() => document.querySelector('.plot-point.selected')?.getAttribute('data-key'));
  const activeName = await page.locator('.grid-row.active .grid-cell').nth(1).textContent();
  check(key?.endsWith(`-${activeName}`) === true && (await page.locator('.plot-point.selected').count()) === 1, `experiments plot: a click on a point selects and reveals its run (${key} → ${activeName})`);
  // A drag selects every point in the rectangle.
  const box = (await page.locator('.plot-frame').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(200);
  const brushed = await page.locator('.plot-point.selected').count();
  const note = await page.locator('.details .muted').first().textContent();
  check(brushed > 1 && brushed < RUN_COUNT && note === `${brushed} runs selected`, `experiments plot: a drag selects the points in the rectangle and the table selects those runs (${brushed}; "${note}")`);
  await shot(page, 'experiments-dark-scatter-brushed');
  // The reverse: a row clicked in the table is the one highlighted point.
  await page.locator('.grid-row').nth(2).click();
  await page.waitForTimeout(100);
  const rowKey = await page.evaluate(() => document.querySelector('.plot-point.selected')?.getAttribute('data-key'));
  const rowName = await page.locator('.grid-row.selected .grid-cell').nth(1).textContent();
  check((await page.locator('.plot-point.selected').count()) === 1 && rowKey?.endsWith(rowName ?? '?') === true, `experiments plot: a row selected in the table is highlighted in the plot (${rowName})`);
  // Keyboard: Tab to the plot, arrows move between runs (the focused one is ringed and described), Enter selects it.
  await page.locator('.plot-svg').focus();
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowUp']) await page.keyboard.press(key);
  await page.waitForTimeout(100);
  const focusedKey = await page.evaluate(() => document.querySelector('.plot-point.focused')?.getAttribute('data-key'));
  const said = await page.locator('.plot-focus').textContent();
  check((await page.locator('.plot-point.focused').count()) === 1 && focusedKey !== rowKey && /sweep-\d+/.test(said ?? ''), `experiments plot: arrows move the keyboard focus between runs and say which (${said?.slice(0, 60)})`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(150);
  const picked = await page.evaluate(() => [...document.querySelectorAll('.plot-point.selected')].map((p) => p.getAttribute('data-key')));
  check(picked.length === 1 && picked[0] === focusedKey && (await page.locator('.grid-row.selected').count()) === 1, `experiments plot: Enter selects the focused run in the plot and the table (${JSON.stringify(picked)})`);
  await shot(page, 'experiments-dark-scatter-keyboard');
  await choose(page, 'Plot', 'parallel');
  const axes = ((await posted(page)).filter((m) => m.type === 'setLayout').pop()?.layout as { plot: { axes: string[] } }).plot.axes;
  check(JSON.stringify(axes) === JSON.stringify(['architecture.backbone.type', 'loss.temperature', 'optimizer.lr', 'knn']), `experiments plot: parallel coordinates open on the changed parameters and kNN (${JSON.stringify(axes)})`);
  check((await page.locator('.plot-line').count()) === RUN_COUNT && (await page.locator('.plot-axis').count()) === 4, 'experiments plot: one line per run over four axes');
  await shot(page, 'experiments-dark-parallel');
  for (const theme of ['light', 'hc'] as const) {
    await page.evaluate(() => sessionStorage.clear());
    await open(page, base, 'experiments', theme);
    await choose(page, 'Plot', 'scatter');
    await choose(page, 'Colour by', 'optimizer.lr');
    await shot(page, `experiments-${theme}-scatter`);
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build();
  const { files } = await dataScripts();
  const server = await startServer(files);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const panel of panels) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      // 'GL Driver Message … GPU stall due to ReadPixels': software WebGL reporting the screenshots' read-back of the map's canvas.
      page.on('console', (m) => { if ((m.type() === 'error' || m.type() === 'warning') && !m.text().includes('404 (Not Found)') && !m.text().includes('GL Driver Message')) problems.push(`${panel} console ${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`${panel} page error: ${e.message}`));
      page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${panel} HTTP ${r.status()}: ${r.url()}`); });
      if (panel === 'dashboard') await dashboard(page, server.base);
      if (panel === 'dashboard') await denseOverlay(page, server.base);
      if (panel === 'gallery') await gallery(page, server.base);
      if (panel === 'map') await map(page, server.base);
      if (panel === 'experiments') await experiments(page, server.base);
      const reported = await page.evaluate(() => (window as unknown as { harnessErrors: string[] }).harnessErrors);
      for (const e of reported) problems.push(`${panel} webviewError: ${e}`);
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  for (const f of figures) console.log(`figure: ${f}`);
  console.log(`screenshots: ${outDir}`);
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
