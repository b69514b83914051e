// `export --format arrow`: the run's embeddings and their metadata as one Arrow IPC file
// (embeddings.arrow), for pandas (`pd.read_feather`), polars (`pl.read_ipc`) and pyarrow
// (`pyarrow.feather.read_table`). One row per sample: index, id, label, class, split, the
// embedding (a fixed-size list of float32) and the stored 2-D projections; the schema's metadata
// "contrastive-lab" holds the run's id, layer, dim, step, epoch and class names. Written in record
// batches straight to the file, so a million rows are never copied into one buffer.
import { createWriteStream, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Field, FixedSizeList, Float32, Int32, makeData, makeVector, RecordBatch, RecordBatchFileWriter, Schema, Table, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { describeCause, ensureDir, FileError, removeQuietly } from '../shared/files';
import { readEmbeddings, readProjection } from '../runs/embeddings';
import type { ExportResult } from './exportProjector';

export const ARROW_FILE = 'embeddings.arrow';
/** Rows per record batch: large enough for fast reads, small enough to build one at a time. */
const BATCH_ROWS = 65_536;

export async function exportArrow(runDir: string, outDir: string): Promise<ExportResult> {
  const { meta, vectors, samples } = readEmbeddings(runDir);
  const projections = meta.projections.flatMap((method) => {
    const xy = readProjection(runDir, method);
    return xy !== null && xy.length === meta.count * 2 ? [{ method, xy }] : [];
  });
  ensureDir(outDir, 'export folder');
  const dim = meta.dim;
  const about = { formatVersion: 1, runId: basename(runDir), layer: meta.layer, dim, step: meta.step, epoch: meta.epoch, classNames: meta.classNames };
  const batch = (start: number, end: number): Table => {
    const n = end - start;
    const embedding = makeVector(makeData({
      type: new FixedSizeList(dim, new Field('item', new Float32(), false)),
      length: n,
      nullCount: 0,
      child: makeData({ type: new Float32(), data: vectors.subarray(start * dim, end * dim) }),
    }));
    const labels = samples.labels.slice(start, end).map((l) => l ?? null);
    const columns: Record<string, Vector> = {
      index: vectorFromArray(Int32Array.from({ length: n }, (_, i) => start + i)),
      id: vectorFromArray(samples.ids.slice(start, end), new Utf8()),
      label: vectorFromArray(labels, new Int32()),
      class: vectorFromArray(labels.map((l) => (l === null ? null : (meta.classNames?.[l] ?? String(l)))), new Utf8()),
      split: vectorFromArray(samples.split.slice(start, end), new Utf8()),
      embedding,
    };
    for (const { method, xy } of projections) {
      columns[`${method}_x`] = vectorFromArray(Float32Array.from({ length: n }, (_, i) => xy[2 * (start + i)]!));
      columns[`${method}_y`] = vectorFromArray(Float32Array.from({ length: n }, (_, i) => xy[2 * (start + i) + 1]!));
    }
    return new Table(columns);
  };

  const file = join(outDir, ARROW_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const out = createWriteStream(temp);
    const closed = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    const writer = new RecordBatchFileWriter();
    writer.pipe(out);
    let schema: Schema | null = null;
    for (let start = 0; start < meta.count; start += BATCH_ROWS) {
      const table = batch(start, Math.min(meta.count, start + BATCH_ROWS));
      if (schema === null) {
        schema = new Schema(table.schema.fields, new Map([['contrastive-lab', JSON.stringify(about)]]));
        writer.reset(undefined, schema);
      }
      for (const b of table.batches) writer.write(new RecordBatch(schema, b.data));
    }
    writer.finish();
    await closed;
    renameSync(temp, file);
  } catch (e) {
    removeQuietly(temp);
    throw new FileError(file, `could not be written: ${describeCause(e)}`);
  }
  return { files: [ARROW_FILE], written: meta.count, total: meta.count, warning: null };
}
