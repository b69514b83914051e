// A file-system IOHandler for tfjs (the pure tfjs package has none in Node): writes and reads
// tfjs' own layers-model format, `model.json` + `weights.bin`, so saved models open with
// tf.loadLayersModel in any tfjs environment (tfjs-node's file:// handler reads the same files).
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileChecked } from '../../shared/files';
import { join } from 'node:path';
import { tf } from '../backend';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** An IOHandler that saves to / loads from the folder `dir` (created on save). */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const topology = artifacts.modelTopology;
      if (topology === undefined || topology instanceof ArrayBuffer) {
        throw new Error(`Cannot save to ${dir}: the model has no JSON topology; only tfjs layers models can be saved.`);
      }
      await mkdir(dir, { recursive: true });
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: topology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
      // Each file is named in its error (disk full, read-only) and a partial file is removed.
      writeFileChecked(join(dir, WEIGHTS_BIN), Buffer.from(weightData));
      writeFileChecked(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      let text: string;
      try {
        text = await readFile(jsonPath, 'utf8');
      } catch (error) {
        throw new Error(`Cannot load a model from ${dir}: ${jsonPath} is missing or unreadable (${(error as Error).message}). Point at a folder written by save().`);
      }
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new Error(`Cannot load a model: ${jsonPath} is not valid JSON (${(error as Error).message}).`);
      }
      if (modelJson.modelTopology === undefined || !Array.isArray(modelJson.weightsManifest)) {
        throw new Error(`Cannot load a model: ${jsonPath} lacks "modelTopology" or "weightsManifest"; it is not a tfjs layers model.`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: Buffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) buffers.push(await readFile(join(dir, path)));
        }
        const all = Buffer.concat(buffers);
        return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
      });
    },
  };
}
