import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseDashboardMessage,
  parseGalleryMessage,
  parseMapMessage,
  parsePanelState,
  LIMITS,
} from '../../../webview/protocol';
import { panelHtml, contentSecurityPolicy } from '../../../webview/html';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function errorOf(result: { ok: boolean; error?: string }): string {
  assert.equal(result.ok, false, 'expected the message to be rejected');
  return result.error ?? '';
}

test('well-formed messages from each panel are accepted', () => {
  assert.ok(parseDashboardMessage({ type: 'ready' }).ok);
  assert.ok(parseDashboardMessage({ type: 'exportPng', dataUrl: PNG, fileName: 'curves.png' }).ok);
  assert.ok(parseDashboardMessage({ type: 'exportCsv', csv: 'a,b\r\n1,2\r\n', fileName: 'metrics (run 1).csv' }).ok);
  assert.ok(parseDashboardMessage({ type: 'openGallery', runId: '2024-01-01-simclr' }).ok);
  assert.ok(parseGalleryMessage({ type: 'query', index: 12, k: 10 }).ok);
  assert.ok(parseMapMessage({ type: 'requestProjection', method: 'umap' }).ok);
  assert.ok(parseMapMessage({ type: 'openGallery', index: 0 }).ok);
  assert.ok(parseMapMessage({ type: 'webviewError', message: 'TypeError: x is undefined' }).ok);
});

test('non-objects and unknown types are rejected with the allowed types listed', () => {
  assert.match(errorOf(parseDashboardMessage('ready')), /must be an object, got a string/);
  assert.match(errorOf(parseDashboardMessage(null)), /got null/);
  assert.match(errorOf(parseGalleryMessage({ type: 'exportPng', dataUrl: PNG, fileName: 'a.png' })), /unknown type "exportPng"; expected one of ready, webviewError, query/);
  assert.match(errorOf(parseMapMessage({ type: '__proto__' })), /unknown type/);
  assert.match(errorOf(parseMapMessage({ type: 'toString' })), /unknown type/);
});

test('gallery queries need an integer index and a bounded k', () => {
  assert.match(errorOf(parseGalleryMessage({ type: 'query', index: 1.5, k: 10 })), /'index' must be an integer/);
  assert.match(errorOf(parseGalleryMessage({ type: 'query', index: -1, k: 10 })), /'index' must be between 0/);
  assert.match(errorOf(parseGalleryMessage({ type: 'query', index: 3, k: 0 })), /'k' must be between 1 and 200/);
  assert.match(errorOf(parseGalleryMessage({ type: 'query', index: 3, k: LIMITS.maxK + 1 })), /'k'/);
  assert.match(errorOf(parseGalleryMessage({ type: 'query', index: '3', k: 5 })), /got a string/);
  assert.match(errorOf(parseGalleryMessage({ type: 'query', index: Number.NaN, k: 5 })), /got NaN/);
});

test('PNG exports must be base64 PNG data URLs with a bare file name', () => {
  assert.match(errorOf(parseDashboardMessage({ type: 'exportPng', dataUrl: 'data:text/html,<script>', fileName: 'a.png' })), /must start with 'data:image\/png;base64,'/);
  assert.match(errorOf(parseDashboardMessage({ type: 'exportPng', dataUrl: `${PNG}!!`, fileName: 'a.png' })), /not valid base64/);
  assert.match(errorOf(parseDashboardMessage({ type: 'exportPng', dataUrl: PNG, fileName: '../../.bashrc.png' })), /bare file name/);
  assert.match(errorOf(parseDashboardMessage({ type: 'exportPng', dataUrl: PNG, fileName: 'curves.exe' })), /must end in '.png'/);
  assert.match(errorOf(parseMapMessage({ type: 'exportPng', dataUrl: PNG, fileName: '' })), /must not be empty/);
});

test('CSV exports are bounded and need a .csv name', () => {
  assert.match(errorOf(parseDashboardMessage({ type: 'exportCsv', csv: 42, fileName: 'a.csv' })), /'csv' must be a string/);
  assert.match(errorOf(parseDashboardMessage({ type: 'exportCsv', csv: 'x', fileName: 'C:\\x.csv' })), /bare file name/);
  assert.match(errorOf(parseDashboardMessage({ type: 'exportCsv', csv: 'x', fileName: 'a.txt' })), /must end in '.csv'/);
});

test('errors name the panel, the message type and the field', () => {
  assert.equal(errorOf(parseMapMessage({ type: 'requestProjection', method: 'tsne' })), `map message 'requestProjection': field 'method' must be one of pca, umap, got "tsne"`);
  assert.match(errorOf(parseDashboardMessage({ type: 'openMap', runId: '' })), /^dashboard message 'openMap': field 'runId' must not be empty$/);
});

test('persisted state is checked against its panel', () => {
  const dashboard = { panel: 'dashboard', runIds: ['a', 'b'], smoothing: 0.6, logY: true, xAxis: 'epoch', hidden: [], evalMetric: 'knnAccuracy' };
  assert.ok(parsePanelState('dashboard', dashboard).ok);
  assert.match(errorOf(parsePanelState('gallery', dashboard)), /has panel "dashboard"; expected 'gallery'/);
  assert.match(errorOf(parsePanelState('dashboard', { ...dashboard, smoothing: 1 })), /'smoothing' must be a number in \[0, 1\)/);
  assert.match(errorOf(parsePanelState('dashboard', { ...dashboard, runIds: [1] })), /'runIds\[0\]'/);
  assert.ok(parsePanelState('gallery', { panel: 'gallery', runId: 'r', query: null, k: 10 }).ok);
  assert.ok(parsePanelState('gallery', { panel: 'gallery', runId: 'r', query: 4, k: 10 }).ok);
  assert.match(errorOf(parsePanelState('gallery', { panel: 'gallery', runId: 'r', query: -4, k: 10 })), /'query'/);
  assert.ok(parsePanelState('map', { panel: 'map', runId: 'r', method: 'pca', hiddenLabels: ['3'] }).ok);
  assert.match(errorOf(parsePanelState('map', undefined)), /must be an object, got undefined/);
});

test('the panel HTML carries a nonce CSP without unsafe-eval or inline scripts', () => {
  const html = panelHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abcdefghijklmnop1234',
    scriptUri: 'https://x/dist/webview/dashboard.js',
    styleUri: 'https://x/webview/styles/panels.css',
    title: 'Runs <"a">',
  });
  const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abcdefghijklmnop1234');
  assert.ok(html.includes(csp.replace(/'/g, '&#39;')));
  assert.ok(!csp.includes('unsafe'));
  // Styles only from the webview's resources: not even a hashed inline <style>.
  assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net(;|$)/);
  assert.match(csp, /script-src 'nonce-abcdefghijklmnop1234'/);
  assert.match(csp, /default-src 'none'/);
  assert.ok(html.includes('<title>Runs &#60;&#34;a&#34;&#62;</title>'));
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  for (const s of scripts) assert.match(s, /nonce="abcdefghijklmnop1234" src="/);
  assert.ok(!/\son[a-z]+=/.test(html), 'no inline event handlers');
  assert.throws(() => panelHtml({ cspSource: 'x', nonce: 'short', scriptUri: '', styleUri: '', title: '' }), /nonce must be at least 16/);
});
