// `export --format projector`: the TensorBoard Embedding Projector layout — tensors.tsv (one
// vector per line), metadata.tsv (header + label/id/split per line), sprite.png and
// projector_config.pbtxt tying them together. Load the folder in projector.tensorflow.org.
import { copyFileSync, existsSync } from 'node:fs';
import { describeCause, ensureDir, FileError, writeFileChecked as writeFileSync } from '../shared/files';
import { join } from 'node:path';
import { readEmbeddings } from '../runs/embeddings';
import { runPaths } from '../runs/paths';

const clean = (s: string): string => s.replace(/[\t\r\n]/g, ' ');

export function exportProjector(runDir: string, outDir: string): string[] {
  const { meta, vectors, samples } = readEmbeddings(runDir);
  ensureDir(outDir, 'export folder');
  const lines: string[] = [];
  for (let i = 0; i < meta.count; i++) {
    const row: string[] = [];
    for (let d = 0; d < meta.dim; d++) row.push(String(vectors[i * meta.dim + d]));
    lines.push(row.join('\t'));
  }
  writeFileSync(join(outDir, 'tensors.tsv'), lines.join('\n') + '\n');
  const metadata = ['label\tid\tsplit'];
  for (let i = 0; i < meta.count; i++) {
    const label = samples.labels[i];
    const name = label === null || label === undefined ? '' : (meta.classNames?.[label] ?? String(label));
    metadata.push(`${clean(name)}\t${clean(samples.ids[i]!)}\t${samples.split[i]}`);
  }
  writeFileSync(join(outDir, 'metadata.tsv'), metadata.join('\n') + '\n');
  const written = ['tensors.tsv', 'metadata.tsv'];
  const config = [
    'embeddings {',
    `  tensor_name: "${meta.layer}"`,
    `  tensor_shape: ${meta.count}`,
    `  tensor_shape: ${meta.dim}`,
    '  tensor_path: "tensors.tsv"',
    '  metadata_path: "metadata.tsv"',
  ];
  const sprite = runPaths(runDir).sprite;
  if (meta.sprite !== null && existsSync(sprite)) {
    try {
      copyFileSync(sprite, join(outDir, 'sprite.png'));
    } catch (e) {
      throw new FileError(join(outDir, 'sprite.png'), `could not be copied from ${sprite}: ${describeCause(e)}`);
    }
    written.push('sprite.png');
    config.push('  sprite {', '    image_path: "sprite.png"', `    single_image_dim: ${meta.sprite.thumbWidth}`, `    single_image_dim: ${meta.sprite.thumbHeight}`, '  }');
  }
  config.push('}');
  writeFileSync(join(outDir, 'projector_config.pbtxt'), config.join('\n') + '\n');
  written.push('projector_config.pbtxt');
  return written;
}
