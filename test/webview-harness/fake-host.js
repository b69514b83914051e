// Plays the extension host for a panel page in the screenshot harness: provides
// acquireVsCodeApi, records what the page posts, and answers with the data in window.harnessData.
(function () {
  'use strict';
  const posted = [];
  window.harnessPosted = posted;
  window.harnessErrors = [];
  let state = JSON.parse(sessionStorage.getItem('harness-state') || 'null');
  const data = window.harnessData;
  const send = (message) => window.postMessage(message, '*');

  // The plot's columns from the shown cells (the real host sends raw values: extension/panels/experimentsPlot.ts).
  function plotColumns(table) {
    const plot = table.layout.plot;
    if (!plot || plot.kind === 'none') return [];
    const keys = (plot.kind === 'scatter' ? [plot.x, plot.y, plot.colour] : plot.axes).filter((k, i, all) => k !== '' && all.indexOf(k) === i);
    return keys.map((key) => {
      const c = table.columns.findIndex((col) => col.key === key);
      const values = table.rows.map((r) => {
        const text = c < 0 ? '' : r.cells[c];
        if (text === '') return null;
        if (/^-?[\d.]+%$/.test(text)) return Number(text.slice(0, -1)) / 100;
        return /^-?[\d.]+(e-?\d+)?$/.test(text) ? Number(text) : text;
      });
      const percent = c >= 0 && table.rows.some((r) => /%$/.test(r.cells[c]));
      return { key, title: c < 0 ? key : table.columns[c].title, format: percent ? 'percent' : 'plain', values };
    });
  }

  function answer(message) {
    if (message.type === 'webviewError') window.harnessErrors.push(message.message);
    if (data.panel === 'experiments') {
      // The real host filters and sorts (server/runs/table); this one keeps the layout and the stars.
      if (message.type === 'setLayout') {
        data.table.layout = message.layout;
        // Column order as the host applies it (extension/panels/experimentsTable.ts orderColumns): cells follow their columns.
        const order = message.layout.order || [];
        const rank = (key) => (order.indexOf(key) < 0 ? order.length + data.table.columns.findIndex((c) => c.key === key) : order.indexOf(key));
        const index = data.table.columns.map((c, i) => i).sort((a, b) => rank(data.table.columns[a].key) - rank(data.table.columns[b].key));
        data.table.columns = index.map((i) => data.table.columns[i]);
        data.table.rows = data.table.rows.map((r) => Object.assign({}, r, { cells: index.map((i) => r.cells[i]) }));
      }
      if (message.type === 'annotate') {
        data.table.rows = data.table.rows.map((r) => (r.key === message.runKey ? Object.assign({}, r, { star: message.star, notes: message.notes, tags: message.tags, cells: [message.star ? '★' : ''].concat(r.cells.slice(1)) }) : r));
      }
      if (message.type === 'ready' || message.type === 'setLayout' || message.type === 'annotate') {
        const problem = /[<>=]\s*$/.test(data.table.layout.filter) ? 'filter "' + data.table.layout.filter + '", at character ' + data.table.layout.filter.length + ':\n  ' + data.table.layout.filter + '\n  ' + ' '.repeat(data.table.layout.filter.length - 1) + '^\nexpected a value — showing all runs' : null;
        // Grouping turned off: no groups (the real host also orders the rows plainly then).
        const groups = data.table.layout.groupBySweep === false ? [] : data.table.groups;
        send(Object.assign({}, data.table, { problem: problem, plot: plotColumns(data.table), groups: groups }));
      }
      return;
    }
    if (data.panel === 'map') {
      answerMap(message);
      return;
    }
    if (message.type !== 'ready' && message.type !== 'query' && message.type !== 'searchFile' && message.type !== 'searchText') return;
    if (data.panel === 'dashboard' && message.type === 'ready') {
      send({ type: 'runs', runs: data.runs });
      for (const m of data.metrics) send(m);
      send({ type: 'specDiff', rows: data.specDiff });
    }
    if (data.panel === 'gallery') {
      if (message.type === 'ready') {
        send(Object.assign({ type: 'dataset' }, data.samples));
        // As when the gallery is opened from a map click (not on a reload, which restores its own query).
        if (data.initialQuery !== undefined && state === null) send({ type: 'selectQuery', index: data.initialQuery });
      }
      if (message.type === 'query') send({ type: 'neighbours', query: message.index, neighbours: data.neighbours(message.index, message.k) });
      // A file query (the Query file box, or Explorer -> Find Similar in Run...): the CLI's search, here sample 0's neighbours.
      // On a two-tower run (extension/panels/galleryPanel.ts, `search --text`): a text finds tower a's points (images), a file finds captions.
      const towers = data.samples.towers;
      if (message.type === 'searchFile' && towers) {
        const captions = data.neighbours(0, message.k).map((n, i) => Object.assign({}, n, { index: towers.pairs + (n.index % towers.pairs), id: data.samples.ids[towers.pairs + (n.index % towers.pairs)], text: ['a handwritten ', 'the digit ', 'a scanned '][i % 3] + n.label + ' #' + i }));
        send({ type: 'searchResults', path: message.path, neighbours: captions });
      } else if (message.type === 'searchFile') send({ type: 'searchResults', path: message.path, neighbours: data.neighbours(0, message.k) });
      if (message.type === 'searchText') send({ type: 'textResults', text: message.text, neighbours: data.neighbours(7, message.k).map((n) => Object.assign({}, n, { index: n.index % towers.pairs, id: data.samples.ids[n.index % towers.pairs] })) });
    }
  }

  // The map host (extension/panels/mapPanel.ts): columns as typed arrays, projections with progress
  // first (as when the map process computes them), exact neighbours from the fake vectors (here the
  // UMAP coordinates stand in for the embedding), ids on request.
  function mapColumns() {
    const labels = data.samples.labels;
    const names = Array.from(new Set(labels)).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const codes = Uint16Array.from(labels, (l) => names.indexOf(l));
    const split = Uint16Array.from(labels, (l, i) => (i % 5 === 0 ? 0 : 1));
    const confidence = Float32Array.from(labels, (l, i) => ((i * 7919) % 1000) / 1000);
    return [
      { name: 'label', kind: 'category', names: names, codes: codes },
      { name: 'split', kind: 'category', names: ['test', 'train'], codes: split },
      { name: 'confidence', kind: 'number', values: confidence },
    ];
  }

  function answerMap(message) {
    const s = data.samples;
    if (message.type === 'ready' && s.towers) {
      // A two-tower run (extension/panels/mapPanel.ts): the tower column after the others, and the pairs.
      const codes = new Uint16Array(s.count);
      codes.fill(1, s.towers.pairs);
      const tower = { name: 'tower', kind: 'category', names: ['tower a', 'tower b (text)'], codes: codes };
      send({ type: 'points', runId: s.runId, runName: s.runName, count: s.count, methods: ['pca', 'umap'], columns: mapColumns().concat([tower]), sprite: s.sprite, distance: 'cosine distance (1 − cos)', towers: s.towers });
    } else if (message.type === 'ready') send({ type: 'points', runId: s.runId, runName: s.runName, count: s.count, methods: ['pca', 'umap'], columns: mapColumns(), sprite: s.sprite, distance: 'cosine distance (1 − cos)' });
    if (message.type === 'requestProjection') {
      const xy = Float32Array.from(data.projections[message.method]);
      if (message.method === 'umap') {
        // UMAP is computed on request: progress first, the map later.
        send({ type: 'progress', method: 'umap', phase: 'UMAP: optimising the sample layout', done: 40, total: 200 });
        setTimeout(() => send({ type: 'projection', method: 'umap', xy: xy }), 250);
      } else {
        send({ type: 'projection', method: message.method, xy: xy });
      }
    }
    if (message.type === 'neighbours') {
      const xy = data.projections.umap;
      const q = message.index;
      const all = [];
      for (let i = 0; i < xy.length / 2; i++) if (i !== q) all.push({ index: i, distance: Math.hypot(xy[2 * i] - xy[2 * q], xy[2 * i + 1] - xy[2 * q + 1]) / 10 });
      all.sort((a, b) => a.distance - b.distance);
      send({ type: 'neighbours', query: q, neighbours: all.slice(0, message.k) });
    }
    if (message.type === 'describe') send({ type: 'described', index: message.index, id: s.ids[message.index] });
  }

  window.acquireVsCodeApi = function () {
    return {
      postMessage(message) {
        posted.push(JSON.parse(JSON.stringify(message)));
        setTimeout(() => answer(message), 0);
      },
      getState() { return state; },
      setState(next) {
        state = next;
        sessionStorage.setItem('harness-state', JSON.stringify(next));
      },
    };
  };
})();
