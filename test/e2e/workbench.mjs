// Drives a real VS Code workbench for the end-to-end suite: code-server (installed by setup.sh)
// serves VS Code on a loopback port with our extension loaded, and headless Chromium
// (playwright-core) uses it like a person would: the command palette, Quick Open, the editor,
// the Problems view, notifications, tree views and webviews.
//
//   const vs = await launchWorkbench({ workspace, extensionPath });   // or { workspace, vsix }
//   try { await vs.command('Contrastive Lab: Start Run'); ... } finally { await vs.close(); }
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export const CACHE = process.env.E2E_CACHE || path.join(os.homedir(), '.cache', 'contrastive-lab-e2e');
const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION || '4.100.3';
const CODE_SERVER = process.env.CODE_SERVER_BIN || path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Quiet, deterministic user settings: no welcome page, no telemetry, no network, no trust prompt.
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'chat.commandCenter.enabled': false,
  'editor.acceptSuggestionOnEnter': 'off',
};

const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

function playwright() {
  for (const base of [process.cwd(), path.join(CACHE, 'driver')]) {
    try {
      return createRequire(path.join(base, 'index.js'))('playwright-core');
    } catch {
      // not installed here; try the next place
    }
  }
  throw new Error(`playwright-core is not installed; run test/e2e/setup.sh (looked in ${process.cwd()} and ${path.join(CACHE, 'driver')})`);
}

const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const textMatches = (text, want) => (want instanceof RegExp ? want.test(text) : text.includes(want));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns a truthy value; throws `describe()` on timeout. */
export async function poll(probe, { timeout = 20_000, interval = 150, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(interval);
  }
}

/**
 * Starts code-server (own process group, fresh profile in a temp dir) and Chromium on it.
 * @param {{workspace: string, extensionPath?: string, vsix?: string, settings?: object, timeout?: number, verbose?: boolean}} o
 */
export async function launchWorkbench(o) {
  for (const [what, file] of [['code-server (run test/e2e/setup.sh)', CODE_SERVER], ['chromium (run test/e2e/setup.sh)', CHROMIUM], ['workspace', o.workspace],
    ['extension', o.extensionPath && path.join(o.extensionPath, 'package.json')], ['vsix', o.vsix]]) {
    if (file && !fs.existsSync(file)) throw new Error(`${what} not found: ${file}`);
  }
  const { chromium } = playwright();
  const timeout = o.timeout ?? 20_000;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'contrastive-e2e-'));
  const dir = (name) => { const d = path.join(tmp, name); fs.mkdirSync(d, { recursive: true }); return d; };
  const userData = dir('user-data');
  const extensions = dir('extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...(o.settings ?? {}) }, null, 2));
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  // XDG dirs inside tmp keep code-server and chromium from writing into the home directory;
  // an empty gallery keeps the workbench off the network.
  const env = { ...process.env, XDG_CONFIG_HOME: dir('xdg-config'), XDG_DATA_HOME: dir('xdg-data'), EXTENSIONS_GALLERY: '{}' };
  delete env.PASSWORD; delete env.HASHED_PASSWORD; delete env.PORT;
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  if (o.vsix) execFileSync(CODE_SERVER, [...common, '--install-extension', o.vsix, '--force'], { env, timeout: 180_000, stdio: 'pipe' });

  const server = spawn(CODE_SERVER, [...common, '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const logFile = fs.createWriteStream(path.join(tmp, 'code-server.log'));
  const collect = (b) => { output += b; logFile.write(b); if (o.verbose) process.stderr.write(b); };
  server.stdout.on('data', collect);
  server.stderr.on('data', collect);
  const killGroup = (signal) => { try { process.kill(-server.pid, signal); } catch { /* already gone */ } };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  let browser;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (browser) await within(15_000, 'chromium to close', browser.close()).catch(() => {});
    if (server.exitCode === null && server.signalCode === null) {
      const gone = new Promise((r) => server.once('exit', r));
      killGroup('SIGTERM');
      await within(5000, 'code-server to exit', gone).catch(() => {});
    }
    killGroup('SIGKILL'); // extension hosts and trainers started from them share the group
    process.removeListener('exit', onExit);
    if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  };

  try {
    const port = await within(o.startTimeout ?? 90_000, 'code-server to listen', new Promise((resolve, reject) => {
      const look = () => { const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output); if (m) resolve(Number(m[1])); };
      server.stdout.on('data', look);
      server.stderr.on('data', look);
      server.once('exit', (code) => reject(new Error(`code-server exited with code ${code}:\n${output.slice(-3000)}`)));
    }));
    browser = await chromium.launchPersistentContext(dir('browser'), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1500, height: 950 },
      args: [...BROWSER_ARGS, `--crash-dumps-dir=${dir('crashes')}`],
      env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config') },
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(timeout);
    const query = new URLSearchParams({ folder: o.workspace });
    if (o.extensionPath) query.set('payload', JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${path.resolve(o.extensionPath)}`]]));
    await page.goto(`http://127.0.0.1:${port}/?${query}`);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 90_000 });
    await page.locator('.explorer-folders-view').waitFor({ state: 'attached', timeout: 90_000 });
    return new Workbench(page, o.workspace, timeout, close, () => output);
  } catch (e) {
    await close();
    throw e;
  }
}

class Workbench {
  constructor(page, workspace, timeout, close, serverLog) {
    this.page = page;
    this.workspace = workspace;
    this.timeout = timeout;
    this.close = close;
    this.serverLog = serverLog;
    this.input = page.locator('.quick-input-widget input');
    this.rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  }

  /** Opens the quick input (F1 may be swallowed while keybindings load, so retry) and types `text`. */
  async quickInput(text) {
    await poll(async () => {
      await this.page.keyboard.press('F1');
      return this.input.waitFor({ state: 'visible', timeout: 1500 }).then(() => true, () => false);
    }, { timeout: this.timeout, what: 'the command palette to open' });
    await this.input.fill(text);
  }

  async pickRow(title, what) {
    const row = this.rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${reEscape(title)}$`) }) }).first();
    try {
      await row.waitFor({ timeout: this.timeout });
    } catch {
      const offered = await this.rows.allInnerTexts().catch(() => []);
      await this.page.keyboard.press('Escape');
      throw new Error(`${what} "${title}" was not offered; the list showed ${JSON.stringify(offered.slice(0, 8))}`);
    }
    await row.click();
  }

  /** Runs a command by its palette title, e.g. 'Contrastive Lab: Start Run'. */
  async command(title) {
    await this.quickInput(`>${title}`);
    await this.pickRow(title, 'command');
    await this.input.waitFor({ state: 'hidden', timeout: this.timeout }).catch(() => {});
  }

  /**
   * Runs the palette command `command`, which asks with a quick pick, and picks `item` in it (typed first to
   * filter a long list). `enter`: press Enter on the best match instead of clicking it (a click on a colour
   * theme only previews it).
   */
  async commandAndPick(command, item, { what = 'item', enter = false } = {}) {
    await this.quickInput(`>${command}`);
    await this.pickRow(command, 'command');
    // The command's own quick pick replaces the palette's in the same widget (its text no longer starts with '>').
    await poll(async () => (await this.input.isVisible()) && !(await this.input.inputValue()).startsWith('>'), { timeout: this.timeout, what: `the quick pick of ${command}` });
    await this.input.fill(item);
    if (enter) {
      await this.rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${reEscape(item)}$`) }) }).first().waitFor({ timeout: this.timeout });
      await this.page.keyboard.press('Enter');
    } else {
      await this.pickRow(item, what);
    }
    await this.input.waitFor({ state: 'hidden', timeout: this.timeout });
  }

  /** Picks `item` in a quick pick that something other than the palette opened (a context-menu command). */
  async pick(item, what = 'item') {
    await this.input.waitFor({ state: 'visible', timeout: this.timeout });
    await this.input.fill(item);
    await this.pickRow(item, what);
    await this.input.waitFor({ state: 'hidden', timeout: this.timeout });
  }

  /** Switches the colour theme, e.g. 'Light Modern', 'Dark High Contrast'. */
  async colorTheme(name) {
    await this.commandAndPick('Preferences: Color Theme', name, { enter: true });
  }

  /** Right-clicks `name` in the Explorer (a file at the workspace's top level) and chooses `item` in its context menu. */
  async explorerContextMenu(name, item) {
    await this.command('View: Show Explorer');
    const row = this.page.locator('.explorer-folders-view .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${reEscape(name)}$`) }) }).first();
    await row.waitFor({ timeout: this.timeout });
    await row.click({ button: 'right' });
    const entry = this.page.locator('.context-view .monaco-menu .action-item:not(.disabled) .action-label', { hasText: new RegExp(`^${reEscape(item)}$`) }).first();
    try {
      await entry.waitFor({ timeout: this.timeout });
    } catch {
      const offered = await this.page.locator('.context-view .monaco-menu .action-label').allInnerTexts().catch(() => []);
      await this.page.keyboard.press('Escape');
      throw new Error(`the Explorer's context menu on ${name} did not offer "${item}"; it showed ${JSON.stringify(offered.filter((t) => t.trim() !== ''))}`);
    }
    // A click that lands while the menu is still being laid out is dropped (the item stays highlighted):
    // then Enter runs the highlighted item.
    await entry.click();
    const menu = this.page.locator('.context-view .monaco-menu');
    if (!(await menu.waitFor({ state: 'hidden', timeout: 1500 }).then(() => true, () => false))) {
      await entry.hover();
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: this.timeout });
    }
  }

  /** Titles the command palette offers for `text`. */
  async paletteOffers(text) {
    await this.quickInput(`>${text}`);
    await sleep(500);
    const titles = await this.rows.locator('.label-name').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return titles;
  }

  /** Opens a workspace file through Quick Open and waits for its editor. */
  async open(relativePath) {
    const name = path.basename(relativePath);
    await this.quickInput(relativePath);
    await this.pickRow(name, 'file');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: this.timeout });
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ timeout: this.timeout });
  }

  async focusEditor() {
    await this.command('View: Focus Active Editor Group');
  }

  /** Selects the active editor's line `line` (1-based) and types `text` over it. */
  async replaceLine(line, text) {
    // Quick Open's ':' prefix is Go to Line. (Through command('Go to Line/Column...') every call waited
    // 20 s for the quick input to close, which that command keeps open for the line number.)
    await this.quickInput(`:${line}:1`);
    await this.page.keyboard.press('Enter');
    await this.input.waitFor({ state: 'hidden', timeout: this.timeout });
    await this.page.keyboard.press('Shift+End');
    await this.page.keyboard.type(text);
  }

  async notifications() {
    return this.page.locator('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message').allInnerTexts();
  }

  async waitForNotification(want, timeout = this.timeout) {
    return poll(async () => (await this.notifications()).find((t) => textMatches(t, want)), { timeout, what: `a notification matching ${want}` })
      .catch(async (e) => { throw new Error(`${e.message}; shown: ${JSON.stringify(await this.notifications())}`); });
  }

  /** Rows of the Problems view: {severity, message, line, column, source}. */
  async problems() {
    if (!(await this.page.locator('.markers-panel').isVisible())) {
      await this.command('Problems: Focus on Problems View');
      await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: this.timeout });
      await this.focusEditor();
    }
    const labels = await this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
    return labels.flatMap((label) => {
      const m = /^(Error|Warning|Info|Hint)?:?\s*([\s\S]*) at line (\d+) and character (\d+)\.(?: generated by (.*))?$/.exec(label);
      return m ? [{ severity: m[1] ?? '', message: m[2], line: Number(m[3]), column: Number(m[4]), source: m[5] ?? '' }] : [];
    });
  }

  async waitForProblem(want, timeout = this.timeout) {
    let seen = [];
    return poll(async () => { seen = await this.problems(); return seen.find((p) => textMatches(p.message, want)); }, { timeout, interval: 300, what: `a problem matching ${want}` })
      .catch((e) => { throw new Error(`${e.message}; the Problems view shows ${JSON.stringify(seen)}`); });
  }

  /** Triggers completion at the cursor and returns the suggestion labels. */
  async suggestions() {
    const rows = this.page.locator('.editor-widget.suggest-widget .monaco-list-row');
    // A trigger pressed while the editor is still busy with the previous edit can be dropped (the
    // widget never opens): press it again every few seconds, as a user would, until the timeout.
    await poll(async () => {
      if (await rows.first().isVisible()) return true;
      await this.page.keyboard.press('Control+Space');
      return rows.first().waitFor({ timeout: 4_000 }).then(() => true, () => false);
    }, { timeout: this.timeout, interval: 0, what: 'the completion list' });
    await sleep(300);
    const labels = await rows.locator('.label-name').allInnerTexts();
    return labels.map((l) => l.trim());
  }

  /** Clicks the activity-bar entry titled `title` (e.g. 'Contrastive Lab'). */
  async showContainer(title) {
    await this.page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).first().click();
  }

  /** Visible rows of the tree view titled `viewTitle`: their accessible labels. */
  async treeRows(viewTitle) {
    const pane = this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: new RegExp(viewTitle, 'i') }) }).first();
    return pane.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') || r.textContent || ''));
  }

  /**
   * Runs fn(frame) on the document of the webview in the editor tab titled `title` (a string
   * prefix or RegExp). Webview iframes float above their editor group, so the visible one whose
   * centre lies inside the tab's group is the match.
   */
  async inWebview(title, fn, timeout = this.timeout) {
    const label = title instanceof RegExp ? title : new RegExp(`^\\s*${reEscape(title)}`);
    const tab = this.page.locator('.tabs-container .tab', { has: this.page.locator('.label-name', { hasText: label }) }).first();
    await tab.waitFor({ timeout });
    await tab.click();
    const group = this.page.locator('.editor-group-container', { has: tab }).first();
    const name = await poll(async () => {
      const box = await group.boundingBox();
      if (!box) return undefined;
      const frames = await this.page.locator('iframe.webview.ready').evaluateAll((els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        const shown = r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
        return { name: e.name, shown, x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }));
      return frames.find((f) => f.shown && f.name && f.x >= box.x && f.x <= box.x + box.width && f.y >= box.y && f.y <= box.y + box.height)?.name;
    }, { timeout, what: `the webview of tab ${title}` });
    const frame = this.page.frameLocator(`iframe.webview[name="${name}"]`).frameLocator('#active-frame');
    await frame.locator('body').waitFor({ timeout });
    return fn(frame);
  }

  async screenshot(file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }
}
