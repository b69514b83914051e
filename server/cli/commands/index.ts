// Every CLI subcommand, in the order `--help` lists them. Add a command: one file, one entry here.
// Each module is imported only when its command runs (or prints its --help), so `--help`,
// `--version` and `validate` never evaluate the run-directory, trainer or tfjs code.
import type { CommandEntry } from '../command';

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'validate', summary: 'Check spec files: syntax, schema and semantic rules, with located messages.', load: async () => (await import('./validate')).validateCommand },
  { name: 'train', summary: 'Train a spec; writes a run directory (metrics, events, checkpoints, embeddings).', load: async () => (await import('./train')).trainCommand },
  { name: 'finetune', summary: 'Fine-tune a classifier from a pretrained run on a fraction of the labels, against the same from scratch.', load: async () => (await import('./finetune')).finetuneCommand },
  { name: 'resume', summary: 'Continue a stopped, interrupted or failed run from its last checkpoint.', load: async () => (await import('./resume')).resumeCommand },
  { name: 'sweep', summary: 'Expand a spec\'s sweep (grid, random, successive halving) into queued child runs.', load: async () => (await import('./sweep')).sweepCommand },
  { name: 'queue', summary: 'The run queue of a runs folder: add, list, start [--parallel N], stop, clear.', load: async () => (await import('./queue')).queueCommand },
  { name: 'list', summary: 'List runs with status, best kNN accuracy and duration.', load: async () => (await import('./list')).listCommand },
  { name: 'runs', summary: 'The runs table: parameters that differ and results, sorted and filtered; text, CSV or JSON.', load: async () => (await import('./runs')).runsCommand },
  { name: 'compare', summary: 'Parameter differences and result deltas between two or more runs.', load: async () => (await import('./compare')).compareCommand },
  { name: 'neighbors', summary: 'Print the k nearest samples of one sample of a run, with distance and label.', load: async () => (await import('./neighbors')).neighborsCommand },
  { name: 'map', summary: 'The embedding map at any size: PCA/UMAP projections and exact neighbours, streamed from vectors.f32.', load: async () => (await import('./map')).mapCommand },
  { name: 'search', summary: 'Embed new images or rows with a run\'s network and print the nearest items of its index.', load: async () => (await import('./search')).searchCommand },
  { name: 'index', summary: 'What a run\'s search index holds; add new items to it without retraining (--add).', load: async () => (await import('./runIndex')).indexCommand },
  { name: 'embed', summary: 'Recompute a run\'s embeddings (vectors, PCA, UMAP, sprite) from its newest checkpoint.', load: async () => (await import('./embed')).embedCommand },
  { name: 'export', summary: 'Export a run: embeddings for the TensorBoard projector, or the network as a tfjs model.', load: async () => (await import('./export')).exportCommand },
  { name: 'conformance', summary: 'Check distances, losses and miners against a folder of reference fixtures.', load: async () => (await import('./conformance')).conformanceCommand },
];
