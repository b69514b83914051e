// End-to-end suite: Contrastive Lab in a real VS Code (code-server + headless Chromium), run once
// with the extension loaded from this folder (development mode) and once installed from the
// packaged .vsix. Prerequisites: test/e2e/setup.sh, and a build (npm run test:e2e does both of
// the project's parts: build, then this script; the .vsix is packaged here).
//
// Usage: node test/e2e/run.mjs [--dev] [--vsix]     (default: both); env E2E_TIMEOUT=<ms> on a busy machine
// Screenshots: test-output/e2e/<mode>-NN-<step>.png
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchWorkbench, poll } from './workbench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shotsDir = path.join(root, 'test-output', 'e2e');
const TRAIN_TIMEOUT = 240_000;

const args = process.argv.slice(2);
const modes = args.length === 0 ? ['dev', 'vsix'] : args.map((a) => a.replace(/^--/, ''));

/** A fresh copy of the test workspace, so runs/ starts empty and the repository stays clean. */
function freshWorkspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contrastive-e2e-ws-'));
  fs.cpSync(path.join(root, 'test', 'e2e', 'workspace'), dir, { recursive: true });
  return dir;
}

function packageVsix() {
  const out = path.join(root, 'contrastive-lab.vsix');
  execFileSync('npx', ['vsce', 'package', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  console.log(`  packaged ${path.relative(root, out)} (${(fs.statSync(out).size / 1e6).toFixed(1)} MB)`);
  return out;
}

/** Trainers run detached (they survive window reloads), so a failed test must stop them itself. */
function killTrainers(workspace) {
  const runs = path.join(workspace, 'runs');
  if (!fs.existsSync(runs)) return;
  for (const id of fs.readdirSync(runs)) {
    try {
      const { pid, status } = JSON.parse(fs.readFileSync(path.join(runs, id, 'run.json'), 'utf8'));
      if (pid && (status === 'running' || status === 'queued')) process.kill(pid, 'SIGKILL');
    } catch {
      // no run.json, or the process is gone already
    }
  }
}

async function canvasImage(frame) {
  return frame.locator('canvas').first().evaluate((c) => c.toDataURL());
}

const sharp = createRequire(import.meta.url)('sharp');

/** A screenshot's RGB pixels. */
async function pixels(png) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Fraction of the pixels that differ from the top-left one (the map's background). */
function inked({ data, width, height }) {
  let n = 0;
  for (let i = 0; i < width * height * 3; i += 3) if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 24) n++;
  return n / (width * height);
}

/** Fraction of the pixels of `after` that equal (within a few levels) the pixel of `before` (dx, dy) pixels up and to the left. */
function sameShifted(before, after, dx, dy) {
  let same = 0, total = 0;
  for (let y = Math.max(0, dy); y < Math.min(after.height, before.height + dy); y++) {
    for (let x = Math.max(0, dx); x < Math.min(after.width, before.width + dx); x++) {
      const a = (y * after.width + x) * 3, b = ((y - dy) * before.width + (x - dx)) * 3;
      total++;
      if (Math.abs(after.data[a] - before.data[b]) + Math.abs(after.data[a + 1] - before.data[b + 1]) + Math.abs(after.data[a + 2] - before.data[b + 2]) <= 12) same++;
    }
  }
  return same / Math.max(1, total);
}

/** The k nearest rows of vectors.f32 to row `query` by cosine distance (1 − cos), the query itself left out: brute force. */
function bruteForceCosine(runDir, query, k) {
  const { count, dim } = JSON.parse(fs.readFileSync(path.join(runDir, 'embeddings', 'meta.json'), 'utf8'));
  const bytes = fs.readFileSync(path.join(runDir, 'embeddings', 'vectors.f32'));
  const v = new Float32Array(bytes.buffer, bytes.byteOffset, count * dim);
  const q = v.subarray(query * dim, (query + 1) * dim);
  let qq = 0;
  for (let d = 0; d < dim; d++) qq += q[d] * q[d];
  const best = []; // [distance, index], ascending, at most k
  for (let i = 0; i < count; i++) {
    if (i === query) continue;
    let dot = 0, nn = 0;
    for (let d = 0, o = i * dim; d < dim; d++) { dot += q[d] * v[o + d]; nn += v[o + d] * v[o + d]; }
    const distance = 1 - dot / Math.sqrt(qq * nn);
    if (best.length === k && distance >= best[k - 1][0]) continue;
    let at = best.length;
    while (at > 0 && best[at - 1][0] > distance) at--;
    best.splice(at, 0, [distance, i]);
    if (best.length > k) best.pop();
  }
  return best.map(([distance, index]) => ({ index, distance }));
}

/** The centre of the `size` × `size` square of `img` with the most drawn pixels (on a 20-pixel grid). */
function densest(img, size) {
  const { data, width, height } = img;
  let best = { x: width / 2, y: height / 2, n: -1 };
  for (let y = size / 2; y <= height - size / 2; y += 20) {
    for (let x = size / 2; x <= width - size / 2; x += 20) {
      let n = 0;
      for (let yy = y - size / 2; yy < y + size / 2; yy += 2) {
        for (let xx = x - size / 2; xx < x + size / 2; xx += 2) {
          const i = (yy * width + xx) * 3;
          if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 24) n++;
        }
      }
      if (n > best.n) best = { x, y, n };
    }
  }
  return best;
}

/** Waits until the page inside `frame` has drawn twice more (a map redraw is requested on the next animation frame). */
async function frames(frame, n = 2) {
  await frame.locator('body').evaluate((_, count) => new Promise((resolve) => {
    const next = (left) => (left === 0 ? resolve(null) : requestAnimationFrame(() => next(left - 1)));
    next(count);
  }), n);
}

async function scenario(mode) {
  const workspace = freshWorkspace();
  const load = mode === 'vsix' ? { vsix: packageVsix() } : { extensionPath: root };
  const started = Date.now();
  // E2E_TIMEOUT (ms) raises the default wait of every step on a machine busy with other work.
  const vs = await launchWorkbench({ workspace, ...load, verbose: !!process.env.E2E_VERBOSE, ...(process.env.E2E_TIMEOUT ? { timeout: Number(process.env.E2E_TIMEOUT) } : {}) });
  let n = 0;
  const shot = (name) => vs.screenshot(path.join(shotsDir, `${mode}-${String(++n).padStart(2, '0')}-${name}.png`));
  const step = (what) => console.log(`  [${mode}] ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const runDir = (suffix) => path.join(workspace, 'runs', fs.readdirSync(path.join(workspace, 'runs')).find((id) => id.endsWith(suffix)));

  /** Issue 15: Explorer → right-click an image → Find Similar in Run… → (pick the run) → the gallery searches with it. */
  const findSimilarFromExplorer = async ({ expectPick }) => {
    step(`Explorer: right-click digit-3.png → Find Similar in Run…${expectPick ? ' → pick tiny-digits' : ''} → the gallery shows its neighbours with distances`);
    await vs.explorerContextMenu('digit-3.png', 'Find Similar in Run…');
    // With one run that has embeddings the command takes it; with more it asks which.
    if (expectPick) await vs.pick('tiny-digits', 'run');
    const found = await poll(() => vs.inWebview('Neighbours: tiny-digits', async (frame) => {
      const query = await frame.locator('.query-card').innerText();
      const cards = frame.locator('[aria-label="Nearest neighbours"] .neighbour');
      if (!query.includes('digit-3.png') || (await cards.count()) === 0) return undefined;
      return { query, summary: await frame.locator('.query-card + h2 + p').innerText(), cards: await cards.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))), problem: await frame.locator('p.error[role="alert"]').first().innerText() };
    }).catch(() => undefined), { timeout: 60_000, what: 'the gallery to show the neighbours of digit-3.png' });
    assert.equal(found.problem, '', `the search should succeed: ${found.problem}`);
    assert.match(found.query, /Query file[\s\S]*digit-3\.png[\s\S]*a new input/, `the query card shows the file as a new input: ${found.query}`);
    assert.match(found.summary, new RegExp(`^${found.cards.length} nearest items to .*digit-3\\.png\\.$`), `the summary names the file: ${found.summary}`);
    const hits = found.cards.map((label) => /^\d+: sample (\d+), label (.*?), distance (\S+)$/.exec(label)).map((m) => ({ index: Number(m[1]), label: m[2], distance: Number(m[3]) }));
    assert.equal(hits.length, 10, `k = 10 neighbours: ${JSON.stringify(found.cards)}`);
    assert.ok(hits.every((h, i) => Number.isFinite(h.distance) && (i === 0 || h.distance >= hits[i - 1].distance)), `distances shown, nearest first: ${JSON.stringify(hits)}`);
    // A handwritten 3 the run did not train on: most of its nearest digits are 3s.
    const threes = hits.filter((h) => h.label === '3').length;
    assert.ok(threes >= 6, `most neighbours of a 3 should be 3s; got ${JSON.stringify(hits.map((h) => h.label))}`);
    console.log(`    digit-3.png: ${threes}/10 neighbours labelled 3, d = ${hits[0].distance}…${hits[9].distance}`);
    await shot('find-similar');
    await vs.showContainer('Contrastive Lab'); // back from the Explorer to the Runs view the later steps read
  };
  try {
    step('open the spec, break the loss type, expect a diagnostic on that line');
    await vs.open('tiny.contrastive.yaml');
    await vs.replaceLine(16, '  type: supConn');
    const problem = await vs.waitForProblem(/supConn|type/, 30_000);
    assert.equal(problem.line, 16, `the diagnostic should point at line 16, got ${JSON.stringify(problem)}`);
    assert.equal(problem.severity, 'Error');
    await vs.page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await shot('diagnostic');

    step('complete the loss type: the loss families are offered');
    await vs.focusEditor();
    await vs.replaceLine(16, '  type: ');
    const offered = await vs.suggestions();
    for (const loss of ['infoNCE', 'supCon', 'triplet']) assert.ok(offered.includes(loss), `completion should offer ${loss}; offered ${JSON.stringify(offered)}`);
    await shot('completion');
    await vs.page.keyboard.press('Escape');
    await vs.replaceLine(16, '  type: supCon');
    await vs.page.keyboard.press('Control+S');
    await poll(async () => (await vs.problems()).length === 0, { timeout: 30_000, what: 'the repaired spec to have no problems' });
    await vs.command('View: Hide Panel').catch(() => {}); // cosmetic: more room for the screenshots below

    step('the palette hides context-only commands');
    const titles = await vs.paletteOffers('Contrastive Lab:');
    assert.ok(titles.includes('Contrastive Lab: Start Run'), `Start Run should be offered; got ${JSON.stringify(titles)}`);
    assert.ok(!titles.includes('Contrastive Lab: Delete Run') && !titles.includes('Contrastive Lab: Reveal Run Folder'), `context-only commands leaked: ${JSON.stringify(titles)}`);

    step('Contrastive Lab: Start Run from the palette');
    await vs.command('Contrastive Lab: Start Run');
    await vs.waitForNotification(/Contrastive Lab: training tiny/, 20_000);

    step('the run appears in the Runs tree');
    await vs.showContainer('Contrastive Lab');
    await poll(async () => (await vs.treeRows('Runs')).some((r) => r.includes('tiny-digits')), { timeout: 60_000, what: 'the run in the Runs tree' });

    step('the dashboard opens and its curve grows');
    const first = await poll(() => vs.inWebview('Dashboard', async (frame) => {
      const legend = await frame.locator('.legend').innerText().catch(() => '');
      return legend.includes('tiny-digits') ? canvasImage(frame) : undefined;
    }).catch(() => undefined), { timeout: 60_000, what: 'the dashboard to show the run' });
    await shot('dashboard-live');
    const rows = await vs.treeRows('Runs');
    console.log(`    Runs tree: ${JSON.stringify(rows)}`);
    await vs.waitForNotification(/run "tiny-digits" completed/, TRAIN_TIMEOUT);
    const last = await vs.inWebview('Dashboard', (frame) => canvasImage(frame));
    assert.notEqual(last, first, 'the loss chart should change as training adds points');
    await shot('dashboard-done');
    // The notification comes from the trainer process's exit; the tree refreshes from run.json's watcher,
    // which may land a moment later.
    let finalRows = [];
    await poll(async () => {
      finalRows = await vs.treeRows('Runs');
      return finalRows.some((r) => /tiny-digits/.test(r) && /completed/.test(r) && /kNN/.test(r));
    }, { timeout: 15_000, what: 'the Runs tree to show the completed run' }).catch(() => undefined);
    assert.ok(finalRows.some((r) => /tiny-digits/.test(r) && /completed/.test(r) && /kNN/.test(r)), `the tree should show the completed run with its kNN accuracy; got ${JSON.stringify(finalRows)}`);

    step('Open Experiments Table: the run is a row with its results; sort, filter, star, overlay');
    await vs.command('Contrastive Lab: Open Experiments Table');
    const row = await poll(() => vs.inWebview('Experiments', async (frame) => {
      const cells = await frame.locator('.grid-row').first().locator('.grid-cell').allInnerTexts();
      return cells.some((c) => c.includes('tiny-digits')) ? cells : undefined;
    }).catch(() => undefined), { timeout: 60_000, what: 'the run in the experiments table' });
    assert.ok(row.includes('completed') && row.some((c) => /^\d+\.\d\d%$/.test(c)), `the row should show the completed run and its kNN accuracy: ${JSON.stringify(row)}`);
    await vs.inWebview('Experiments', async (frame) => {
      await frame.locator('.grid-sort', { hasText: /^kNN/ }).click();
      await poll(async () => (await frame.locator('.grid-hcell[aria-sort="ascending"]').count()) === 1, { what: 'the kNN column sorted' });
      await frame.locator('.grid-row .grid-cell.star').first().click();
      await frame.locator('vscode-textfield').first().click();
      await vs.page.keyboard.type('knn > 100%');
      await poll(async () => /0 of 1 run\b/.test(await frame.locator('header').innerText()), { what: 'the filter to hide the run' });
      await frame.locator('vscode-textfield').first().click({ clickCount: 3 });
      await vs.page.keyboard.press('Backspace');
      await poll(async () => (await frame.locator('.grid-row').count()) === 1, { what: 'the run back after clearing the filter' });
    });
    const runsDir = path.join(workspace, 'runs');
    await poll(() => fs.readdirSync(runsDir).some((id) => fs.existsSync(path.join(runsDir, id, 'annotations.json')) && JSON.parse(fs.readFileSync(path.join(runsDir, id, 'annotations.json'), 'utf8')).star === true), { timeout: 10_000, what: 'the star written to annotations.json' });
    await shot('experiments');
    await vs.inWebview('Experiments', async (frame) => {
      await frame.locator('.grid-row').first().click();
      await vs.page.keyboard.press('Enter');
    });
    await poll(() => vs.inWebview('Dashboard', async (frame) => (await frame.locator('.legend').innerText()).includes('tiny-digits')).catch(() => false), { timeout: 30_000, what: 'Enter in the table to open the run in the dashboard' });

    step('Show Nearest Neighbours: the gallery shows images and a query\'s neighbours');
    await vs.command('Contrastive Lab: Show Nearest Neighbours');
    const gallery = await poll(() => vs.inWebview('Neighbours', async (frame) => {
      const thumbs = frame.locator('.browse .thumb');
      if ((await thumbs.count()) === 0) return undefined;
      // The sprite sheet must really load from the run folder (localResourceRoots, CSP).
      const loaded = await thumbs.first().evaluate((el) => new Promise((resolve) => {
        const url = /url\("?(.*?)"?\)/.exec(getComputedStyle(el).backgroundImage)?.[1];
        const img = new Image();
        img.onload = () => resolve(img.naturalWidth);
        img.onerror = () => resolve(0);
        img.src = url ?? '';
      }));
      await frame.locator('.browse .thumb-button').nth(3).click();
      // The result list, not the timeline section below it (which shows probe samples with their labels).
      const results = frame.locator('[aria-label="Nearest neighbours"] .neighbour');
      await results.first().waitFor({ timeout: 15_000 });
      const neighbours = await results.allInnerTexts();
      return { thumbs: await thumbs.count(), spriteWidth: loaded, neighbours };
    }).catch(() => undefined), { timeout: 60_000, what: 'thumbnails and neighbours in the gallery' });
    assert.ok(gallery.spriteWidth > 0, 'the thumbnail sprite sheet should load in the webview');
    assert.ok(gallery.neighbours.length > 0 && gallery.neighbours.every((t) => /d = /.test(t)), `neighbours should show distances: ${JSON.stringify(gallery.neighbours.slice(0, 3))}`);
    await shot('gallery');
    const images = gallery.thumbs;

    step('Open Embedding Map: the projection is coloured by label');
    await vs.command('Contrastive Lab: Open Embedding Map');
    const classes = await poll(() => vs.inWebview('Map', async (frame) => {
      const n = await frame.locator('.map-legend .legend-item').count();
      // The page asked the host for the PCA projection; once it is drawn the status line shows a hint.
      // The map's own status line (the timeline section has a second one for its step).
      const status = frame.locator('.status-line[role="status"]');
      const drawn = !/Computing/.test(await status.innerText()) && !(await status.evaluate((el) => el.classList.contains('error')));
      return n > 1 && drawn ? n : undefined;
    }).catch(() => undefined), { timeout: 60_000, what: 'the map legend' });
    assert.equal(classes, 10, 'the digits have ten labels');
    await shot('map');
    if (mode === 'vsix') await findSimilarFromExplorer({ expectPick: false });
    if (mode === 'dev') {
      step('the map\'s timeline plays the trained run from its first evaluation to its last');
      const evaluated = fs.readdirSync(path.join(runDir('tiny-digits'), 'timeline')).flatMap((f) => /^step-(\d+)\.f32$/.exec(f)?.[1] ?? []).map(Number).sort((a, b) => a - b);
      assert.ok(evaluated.length >= 4, `the 4-epoch run should have kept the probe set at every evaluation: steps ${JSON.stringify(evaluated)}`);
      const played = await vs.inWebview('Map', async (frame) => {
        await frame.locator('vscode-button', { hasText: /^Timeline/ }).click();
        const text = frame.locator('.timeline-controls .status-line');
        await poll(async () => new RegExp(` 1/${evaluated.length} `).test(await text.innerText()), { timeout: 30_000, what: 'the timeline at its first evaluation' });
        const canvas = frame.locator('.map-layout > .scatter').nth(1).locator('canvas');
        await frames(frame, 3); // the glide into the first frame
        const first = await canvas.screenshot();
        // Every text the step label shows while playing, in order.
        await text.evaluate((el) => {
          window.__timelineSeen = [el.textContent];
          new MutationObserver(() => window.__timelineSeen.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
        });
        await frame.locator('vscode-button[title="Play from this step to the last"]').click();
        await poll(async () => new RegExp(` ${evaluated.length}/${evaluated.length} `).test(await text.innerText()), { timeout: 30_000, what: 'the timeline to play to the last evaluation' });
        await poll(async () => (await frame.locator('vscode-button[title="Play from this step to the last"]').innerText()).trim() === '▶', { timeout: 5_000, what: 'play to stop at the last evaluation' });
        await frames(frame, 40); // the glide into the last frame (450 ms)
        const last = await canvas.screenshot();
        return { seen: await text.evaluate(() => window.__timelineSeen), slider: await frame.locator('input[aria-label="Evaluation step"]').inputValue(), first, last };
      });
      const shownSteps = played.seen.map((t) => Number(/^step (\d+)/.exec(t)?.[1])).filter((n, i, all) => Number.isFinite(n) && n !== all[i - 1]);
      assert.deepEqual(shownSteps, evaluated, `playing should show every evaluation in order, first to last: ${JSON.stringify(played.seen)}`);
      assert.equal(played.slider, String(evaluated.length - 1), 'the slider ends at the last evaluation');
      const [before, after] = [await pixels(played.first), await pixels(played.last)];
      assert.ok(inked(before) > 0.002 && inked(after) > 0.002, `the probe samples are drawn (${inked(before)}, ${inked(after)} of the pixels)`);
      assert.ok(sameShifted(before, after, 0, 0) < 0.999, 'the probe samples move between the first and the last evaluation');
      console.log(`    timeline: steps ${shownSteps.join(' → ')}`);
      await shot('timeline-last');
      step('a spec with run.engine: pytorch trains on the PyTorch engine: Runs view, status bar, dashboard');
      await vs.open('torch.contrastive.yaml');
      // The engine trains this small spec in a second or two, so the status bar's entry for it can come
      // and go between two polls: an observer records whether it ever showed the run.
      await vs.page.evaluate(() => {
        const bar = document.querySelector('.part.statusbar');
        window.__torchRunInStatusBar = false;
        new MutationObserver(() => { if (/torch-digits/.test(bar.innerText)) window.__torchRunInStatusBar = true; }).observe(bar, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      await vs.command('Contrastive Lab: Start Run');
      // First the extension checks that the interpreter imports torch (the status bar says so): seconds, more on a busy machine.
      await vs.waitForNotification(/Contrastive Lab: training torch/, 120_000);
      // The run is found by its streamed id although run.json names the Python process's pid.
      await poll(async () => (await vs.treeRows('Runs')).some((r) => /torch-digits/.test(r)), { timeout: 60_000, what: 'the PyTorch run in the Runs tree' });
      await poll(async () => vs.page.evaluate(() => window.__torchRunInStatusBar === true), { timeout: 60_000, what: 'the status bar to show the PyTorch run' });
      await vs.waitForNotification(/run "torch-digits" completed: best kNN accuracy/, 120_000);
      const torchRows = await vs.treeRows('Runs');
      assert.ok(torchRows.some((r) => /torch-digits/.test(r) && /completed/.test(r) && /kNN/.test(r)), `the tree should show the completed PyTorch run with its kNN accuracy; got ${JSON.stringify(torchRows)}`);
      const torchRun = fs.readdirSync(path.join(workspace, 'runs')).find((id) => id.endsWith('torch-digits'));
      assert.equal(JSON.parse(fs.readFileSync(path.join(workspace, 'runs', torchRun, 'run.json'), 'utf8')).engine, 'pytorch');
      await poll(() => vs.inWebview('Dashboard', async (frame) => (await frame.locator('.legend').innerText()).includes('torch-digits')).catch(() => false), { timeout: 30_000, what: 'the dashboard to show the PyTorch run' });
      await shot('pytorch-dashboard');

      await findSimilarFromExplorer({ expectPick: true });

      step('a window reload re-attaches to a running run, which Stop Run then stops');
      await vs.open('long.contrastive.yaml');
      await vs.command('Contrastive Lab: Start Run');
      await poll(async () => (await vs.treeRows('Runs')).some((r) => /long-digits[\s\S]*status: running/.test(r)), { timeout: 60_000, what: 'the long run training' });
      await vs.command('Developer: Reload Window');
      await vs.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
      await vs.showContainer('Contrastive Lab');
      await poll(async () => (await vs.treeRows('Runs')).some((r) => /long-digits[\s\S]*status: running/.test(r)), { timeout: 60_000, what: 'the running run after the reload' });
      await poll(async () => /long-digits .*epoch/.test(await vs.page.locator('.part.statusbar').innerText()), { timeout: 30_000, what: 'the status bar to show the re-attached run' });
      await shot('reattached');
      await vs.command('Contrastive Lab: Stop Run');
      await poll(async () => (await vs.treeRows('Runs')).some((r) => /long-digits[\s\S]*status: stopped/.test(r)), { timeout: 60_000, what: 'the run to stop' });
      await shot('stopped');

      step('a 2-value sweep: the lens reads "Run sweep: 2 runs"; its runs go queued → completed');
      await vs.open('sweep.contrastive.yaml');
      const lens = vs.page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Run sweep: 2 runs' });
      await lens.waitFor({ timeout: 60_000 });
      await lens.click();
      const sweepRows = async (status) => (await vs.treeRows('Runs')).filter((r) => /sweep-digits-[01]/.test(r) && (status === undefined || r.includes(`status: ${status}`)));
      // The queue trains one run at a time, so the second waits queued while the first trains.
      await poll(async () => (await sweepRows('queued')).length > 0, { timeout: 60_000, interval: 100, what: 'a sweep run queued in the Runs tree' });
      await shot('sweep-queued');
      await poll(async () => (await sweepRows('completed')).length === 2, { timeout: TRAIN_TIMEOUT, what: 'both sweep runs completed' });
      const sweepId = JSON.parse(fs.readFileSync(path.join(workspace, 'runs', fs.readdirSync(path.join(workspace, 'runs')).find((id) => id.endsWith('sweep-digits-0')), 'run.json'), 'utf8')).sweep.id;
      assert.match(sweepId, /temperature$/, `the child run's run.json names its sweep: ${sweepId}`);

      step('the status-bar entry counts the runs and opens the table: the sweep column, a filter on it, its group (2 runs, collapses), sorted by kNN, a scatter of its 2 runs, their overlay');
      // One editor group and no table open: the entry itself must open it (earlier steps split the editor).
      await vs.command('View: Close All Editor Groups');
      const tableEntry = vs.page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*\d+ runs\s*$/ });
      await tableEntry.waitFor({ timeout: 30_000 });
      await tableEntry.click();
      await vs.inWebview('Experiments', async (frame) => {
        await frame.locator('vscode-textfield').first().click({ clickCount: 3 });
        await vs.page.keyboard.type(`sweep = ${sweepId}`);
        await poll(async () => /^2( of \d+)? runs$/.test(await frame.locator('header .muted').first().innerText()), { timeout: 20_000, what: 'the sweep filter to show its 2 runs' });
        // Grouped by sweep (on by default): one header line, then the sweep's runs under it.
        const header = frame.locator(`.grid-group[data-sweep="${sweepId}"]`);
        await header.waitFor({ timeout: 20_000 });
        const title = await header.locator('.grid-group-text').innerText();
        assert.match(title, new RegExp(`^sweep ${sweepId} · 2 runs \\(2 completed\\)( · best kNN[↑↓] \\d+\\.\\d\\d%)? · varies loss\\.temperature · base sweep\\.contrastive\\.yaml$`), `the group header names the sweep and its 2 runs: ${title}`);
        const runLines = frame.locator('.grid-row:not(.grid-group)');
        assert.equal(await frame.locator('.grid-row.grouped').count(), 2, 'both runs sit under the header');
        await header.locator('.grid-group-toggle').click();
        await poll(async () => (await runLines.count()) === 0 && (await header.getAttribute('aria-expanded')) === 'false', { timeout: 10_000, what: 'collapsing the group to hide its 2 runs' });
        await shot('sweep-group-collapsed');
        await vs.page.keyboard.press('ArrowRight');
        await poll(async () => (await frame.locator('.grid-row.grouped').count()) === 2, { timeout: 10_000, what: '→ on the header to show the runs again' });
        const texts = async () => runLines.evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('.grid-cell')].map((c) => c.textContent)));
        const headers = await frame.locator('.grid-hcell .grid-sort').allInnerTexts();
        const sweepColumn = headers.findIndex((h) => /^sweep/.test(h));
        const knnColumn = headers.findIndex((h) => /^kNN/.test(h));
        assert.ok(sweepColumn >= 0 && knnColumn >= 0, `the table should show the sweep and kNN columns: ${JSON.stringify(headers)}`);
        assert.ok((await texts()).every((cells) => cells[sweepColumn] === sweepId), `both rows belong to the sweep: ${JSON.stringify(await texts())}`);
        // kNN descending: the layout may already sort by it (kept per workspace), so click until it says so.
        await poll(async () => {
          if ((await frame.locator('.grid-hcell[aria-sort="descending"] .grid-sort', { hasText: /^kNN/ }).count()) === 1) return true;
          await frame.locator('.grid-sort', { hasText: /^kNN/ }).click();
          return false;
        }, { timeout: 20_000, interval: 500, what: 'the table sorted by kNN, best first' });
        const knn = (await texts()).map((cells) => Number.parseFloat(cells[knnColumn]));
        assert.ok(knn.length === 2 && knn[0] >= knn[1], `rows sorted by kNN, best first: ${JSON.stringify(knn)}`);
        await frame.locator('vscode-single-select[aria-label="Plot"]').evaluate((select) => {
          select.value = 'scatter';
          select.dispatchEvent(new Event('change'));
        });
        await poll(async () => (await frame.locator('.plot-point').count()) === 2, { timeout: 20_000, what: 'the scatter to show the 2 runs of the sweep' });
        assert.equal(await frame.locator('.plot-svg').getAttribute('aria-label'), 'Scatter of kNN against loss.temperature: 2 runs', 'the scatter plots kNN against the swept temperature');
        await runLines.nth(0).click();
        await runLines.nth(1).click({ modifiers: ['Shift'] });
        assert.equal(await frame.locator('.plot-point.selected').count(), 2, 'rows selected in the table are highlighted in the plot');
        assert.match(await header.locator('.grid-group-text').innerText(), / · best kNN↓ \d+\.\d\d% · /, 'sorted by kNN, the header shows the sweep\'s best kNN');
        await runLines.nth(0).click();
        await header.locator('.grid-group-text').click();
        assert.equal(await frame.locator('.plot-point.selected').count(), 2, 'clicking the header selects the sweep\'s 2 runs');
      });
      await shot('sweep-table');
      await vs.inWebview('Experiments', (frame) => frame.locator('vscode-button', { hasText: 'Overlay 2 runs' }).click());
      await poll(() => vs.inWebview('Dashboard', async (frame) => {
        const legend = await frame.locator('.legend').innerText();
        return legend.includes('sweep-digits-0') && legend.includes('sweep-digits-1');
      }).catch(() => false), { timeout: 30_000, what: 'the overlay of the two sweep runs in the dashboard' });
      await shot('sweep-overlay');

      step('the experiments table in the light, dark and high-contrast themes (screenshots)');
      for (const [theme, kind, name] of [['Light Modern', 'vscode-light', 'light'], ['Dark High Contrast', 'vscode-high-contrast', 'high-contrast'], ['Dark Modern', 'vscode-dark', 'dark']]) {
        await vs.colorTheme(theme);
        await poll(() => vs.inWebview('Experiments', async (frame) => (await frame.locator('body').getAttribute('data-vscode-theme-kind')) === kind).catch(() => false), { timeout: 20_000, what: `the table to take the ${theme} theme` });
        await vs.page.mouse.move(0, 0); // no hover highlight in the picture
        await shot(`experiments-${name}`);
      }

      step('a generated run of 1,000,000 points: the map draws it, zooms, pans, lassoes to the gallery, and lists exact neighbours');
      const generatedAt = Date.now();
      execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'syntheticRun.ts'), '--count', '1000000', '--dim', '128', '--out', path.join(workspace, 'runs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
      const bigRun = runDir('synthetic-1000000x128');
      console.log(`    generated ${path.basename(bigRun)} in ${((Date.now() - generatedAt) / 1000).toFixed(1)} s`);
      await poll(async () => (await vs.treeRows('Runs')).some((r) => r.includes('synthetic 1,000,000')), { timeout: 30_000, what: 'the generated run in the Runs tree' });
      await vs.command('View: Close All Editor Groups'); // the map alone in the window: a large canvas
      await vs.commandAndPick('Contrastive Lab: Open Embedding Map', 'synthetic 1,000,000 × 128', { what: 'run' });
      const map = (fn) => vs.inWebview('Map: synthetic', fn, 120_000);
      // The host computes the PCA of the million points (contrastive-lab map --serve), then the page draws them.
      const renderer = await poll(() => map(async (frame) => {
        const title = await frame.locator('.toolbar .title').innerText();
        const status = await frame.locator('.toolbar .status-line').first().innerText();
        if (/failed|cannot/i.test(status)) throw new Error(`the map says: ${status}`);
        if (!title.includes('1,000,000 points') || !/^Hover a point/.test(status)) return undefined;
        return frame.locator('canvas[aria-label="Embedding map"]').first().evaluate((c) => {
          const gl = c.getContext('webgl2');
          const info = gl?.getExtension('WEBGL_debug_renderer_info');
          return gl ? `WebGL2: ${info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)}` : 'none';
        });
      }).catch((e) => { if (/the map says/.test(e.message)) throw e; return undefined; }), { timeout: 180_000, interval: 1000, what: 'the map of 1,000,000 points' });
      console.log(`    map drawn ${((Date.now() - generatedAt) / 1000).toFixed(1)} s after generating; ${renderer}`);
      const bigMap = await map(async (frame) => {
        const canvas = frame.locator('canvas[aria-label="Embedding map"]').first();
        const box = await canvas.boundingBox();
        const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
        const picture = async () => {
          await vs.page.mouse.move(box.x - 5, box.y - 5); // off the map: no hover ring in the picture
          await frames(frame);
          return pixels(await canvas.screenshot());
        };
        const drawn = await picture();
        await vs.page.mouse.move(centre.x, centre.y);
        await vs.page.mouse.wheel(0, -600);
        const zoomed = await picture();
        const pan = { dx: 120, dy: 70 };
        await vs.page.mouse.move(centre.x, centre.y);
        await vs.page.mouse.down();
        await vs.page.mouse.move(centre.x + pan.dx, centre.y + pan.dy, { steps: 6 });
        await vs.page.mouse.up();
        const panned = await picture();
        await shot('map-1m');
        // Lasso: a 12-gon of radius 60 px where the picture is densest.
        const spot = densest(panned, 120);
        const at = { x: box.x + spot.x, y: box.y + spot.y };
        await frame.locator('vscode-button', { hasText: /^Lasso/ }).click();
        await vs.page.mouse.move(at.x + 60, at.y);
        await vs.page.mouse.down();
        for (let a = 1; a <= 12; a++) await vs.page.mouse.move(at.x + 60 * Math.cos((a * Math.PI) / 6), at.y + 60 * Math.sin((a * Math.PI) / 6));
        await vs.page.mouse.up();
        const lassoed = await poll(async () => Number(/^([\d,]+) points in the lasso/.exec(await frame.locator('.toolbar .status-line').first().innerText())?.[1].replace(/,/g, '')), { timeout: 10_000, what: 'the lasso\'s count in the status line' });
        await frame.locator('vscode-button', { hasText: /^Lasso/ }).click();
        return { drawn, zoomed, panned, pan, lassoed };
      });
      const ink = inked(bigMap.drawn);
      assert.ok(ink > 0.05, `the million points should cover the map: ${(100 * ink).toFixed(1)} % of its pixels differ from the background`);
      const zoomSame = sameShifted(bigMap.drawn, bigMap.zoomed, 0, 0);
      assert.ok(zoomSame < 0.9, `a wheel zoom should change the picture (${(100 * zoomSame).toFixed(1)} % of the pixels unchanged)`);
      // A drag pans: the picture moves by the drag, so the panned picture is the zoomed one shifted by (dx, dy).
      const shifted = sameShifted(bigMap.zoomed, bigMap.panned, bigMap.pan.dx, bigMap.pan.dy);
      const unshifted = sameShifted(bigMap.zoomed, bigMap.panned, 0, 0);
      assert.ok(shifted > 0.9 && shifted > unshifted + 0.05, `a drag should move the picture by the drag: ${(100 * shifted).toFixed(1)} % of the pixels match shifted by (${bigMap.pan.dx}, ${bigMap.pan.dy}), ${(100 * unshifted).toFixed(1)} % unshifted`);
      console.log(`    1M map: ${(100 * ink).toFixed(1)} % of the pixels drawn; zoom left ${(100 * zoomSame).toFixed(1)} % unchanged; pan matches ${(100 * shifted).toFixed(1)} % shifted vs ${(100 * unshifted).toFixed(1)} % in place; lasso ${bigMap.lassoed.toLocaleString('en')} points`);
      assert.ok(bigMap.lassoed >= 1000, `a lasso drawn over a dense part of a million points should select thousands: ${bigMap.lassoed}`);

      step('the lasso\'s points in the gallery: the map\'s selection, one neighbourhood of the PCA picture');
      const browsed = await poll(() => vs.inWebview('Neighbours: synthetic', async (frame) => {
        const pager = await frame.locator('.pager .status-line').innerText();
        const m = /^Showing 1–(\d+) of (\d+) /.exec(pager);
        if (!m || Number(m[2]) !== Math.min(bigMap.lassoed, 10_000)) return undefined;
        const titles = await frame.locator('.browse .thumb-button').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? e.textContent));
        return { total: Number(m[2]), indices: titles.map((t) => Number(/^#(\d+)/.exec(t)?.[1])) };
      }).catch(() => undefined), { timeout: 120_000, interval: 1000, what: `the gallery to browse the lasso's ${Math.min(bigMap.lassoed, 10_000)} points` });
      const pca = (() => {
        const bytes = fs.readFileSync(path.join(bigRun, 'embeddings', 'pca.f32'));
        return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
      })();
      const extent = (indices) => {
        let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
        for (const i of indices) { x0 = Math.min(x0, pca[2 * i]); x1 = Math.max(x1, pca[2 * i]); y0 = Math.min(y0, pca[2 * i + 1]); y1 = Math.max(y1, pca[2 * i + 1]); }
        return Math.max(x1 - x0, y1 - y0);
      };
      const whole = extent(Array.from({ length: 1_000_000 }, (_, i) => i));
      const lassoExtent = extent(browsed.indices);
      // The lasso spans 120 px of a zoomed map whose whole picture spans ~the map's width: a small part of it.
      assert.ok(browsed.indices.length > 0 && lassoExtent < whole / 4, `the lasso's points should lie together on the PCA picture: they span ${lassoExtent.toFixed(3)} of ${whole.toFixed(3)}`);
      await shot('map-1m-lasso-gallery');

      step('click a point of the million: its neighbours equal a brute-force search');
      const clicked = await map(async (frame) => {
        const tooltip = frame.locator('.map-tooltip').first();
        // The gallery opened beside the map, which is narrower now.
        const box = await frame.locator('canvas[aria-label="Embedding map"]').first().boundingBox();
        const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
        // Find a point under the pointer, spiralling out from the centre.
        let index = -1, at = null;
        for (let r = 0; r < 200 && index < 0; r += 6) {
          for (let a = 0; a < 8 && index < 0; a++) {
            at = { x: centre.x + r * Math.cos((a * Math.PI) / 4), y: centre.y + r * Math.sin((a * Math.PI) / 4) };
            await vs.page.mouse.move(at.x, at.y);
            await frames(frame, 1);
            if (await tooltip.isVisible()) index = Number(await tooltip.getAttribute('data-index'));
          }
        }
        assert.ok(index >= 0, 'a point under the pointer near the centre of the map');
        await vs.page.mouse.down();
        await vs.page.mouse.up();
        const rows = frame.locator('.map-neighbours .neighbour-row');
        await rows.first().waitFor({ timeout: 60_000 });
        return {
          index,
          header: await frame.locator('.map-neighbours > .caption').first().innerText(),
          caption: await frame.locator('.map-neighbours > .caption').nth(1).innerText(),
          rows: await rows.evaluateAll((els) => els.map((e) => [...e.querySelectorAll('span')].map((s) => s.textContent))),
        };
      });
      assert.match(clicked.header, new RegExp(`^#${clicked.index} · class \\d$`), `the clicked point heads the list: ${clicked.header}`);
      assert.match(clicked.caption, /Original space, exact.*over all 1,000,000 points/, `the neighbours are exact, in the original space: ${clicked.caption}`);
      const shown = clicked.rows.map(([what, distance]) => ({ index: Number(/^#(\d+)/.exec(what)[1]), distance: Number(distance) }));
      const bruteStarted = Date.now();
      const truth = bruteForceCosine(bigRun, clicked.index, shown.length);
      console.log(`    point #${clicked.index}: ${shown.length} neighbours, brute force over 1,000,000 × 128 in ${Date.now() - bruteStarted} ms`);
      assert.equal(shown.length, 10, 'ten neighbours listed');
      assert.deepEqual(shown.map((n) => n.index), truth.map((n) => n.index), `the map's neighbours should be the brute-force ones, in order: shown ${JSON.stringify(shown)}, brute force ${JSON.stringify(truth)}`);
      shown.forEach((n, i) => assert.ok(Math.abs(n.distance - truth[i].distance) <= 5e-3 * Math.abs(truth[i].distance) + 1e-6, `neighbour ${i + 1}: distance ${n.distance} shown, ${truth[i].distance} by brute force`));
      await shot('map-1m-neighbours');
    }
    step(`passed (${images} thumbnails)`);
  } catch (e) {
    await shot('failure').catch(() => {});
    console.error(`--- code-server log (tail) ---\n${vs.serverLog().slice(-3000)}`);
    throw e;
  } finally {
    await vs.close();
    killTrainers(workspace);
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

fs.mkdirSync(shotsDir, { recursive: true });
let failed = 0;
for (const mode of modes) {
  console.log(`e2e (${mode})`);
  try {
    await scenario(mode);
  } catch (e) {
    failed++;
    console.error(`e2e (${mode}) FAILED: ${e.stack ?? e}`);
  }
}
console.log(`screenshots in ${path.relative(root, shotsDir)}/`);
console.log(`e2e: ${modes.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
