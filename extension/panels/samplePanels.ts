// What the gallery and the map both send first: a run's samples (labels, ids, thumbnails).
import * as vscode from 'vscode';
import type { SampleSet } from '../../webview/protocol';
import { towerPoints } from '../runs/towerPoints';
import { runPaths } from '../../server/runs/paths';
import type { LoadedEmbeddings } from '../runs/runEmbeddings';
import type { RunSummary } from '../../server/runs/reader';

export function sampleSet(webview: vscode.Webview, run: RunSummary, runKey: string, loaded: LoadedEmbeddings): SampleSet {
  const sprite = loaded.meta.sprite;
  const towers = towerPoints(run.dir, loaded.samples.ids);
  return {
    runId: runKey,
    runName: run.name,
    count: loaded.meta.count,
    labels: loaded.labels,
    ids: loaded.samples.ids,
    sprite: sprite
      ? {
          uri: webview.asWebviewUri(vscode.Uri.file(runPaths(run.dir).sprite)).toString(),
          thumbWidth: sprite.thumbWidth,
          thumbHeight: sprite.thumbHeight,
          columns: sprite.columns,
          rows: sprite.rows,
        }
      : null,
    ...(towers !== undefined ? { towers } : {}),
  };
}
