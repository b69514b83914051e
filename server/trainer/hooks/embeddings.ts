// At the end of training: the final embeddings (and their projections) into the run directory. A
// stop requested meanwhile ends the run as stopped: training is complete and checkpointed, and
// `resume` writes them.
import { writeRunEmbeddings } from '../embed';
import { StopRequested } from '../recovery';
import type { StopSignal } from '../stop';
import type { TrainingHook } from '../trainer';
import type { RunContext } from './context';

export interface EmbeddingsParts extends RunContext {
  readonly stop: StopSignal;
  /** Compute the UMAP projection too (slow on large sets). */
  readonly umap: boolean;
}

export function embeddingsHook(p: EmbeddingsParts): TrainingHook {
  const { run, reporter, stop } = p;
  return {
    async onRunEnd() {
      run.phase = 'embeddings';
      let written;
      try {
        // The final evaluation embedded every training and held-out sample with these very weights.
        const evaluated = run.lastEmbedded?.step === run.position.step ? run.lastEmbedded : undefined;
        written = await writeRunEmbeddings(p.runDir, p.parts, p.data, p.spec, { step: run.position.step, epoch: p.epochs, umap: p.umap, ...(evaluated ? { evaluated } : {}), cooperation: { shouldStop: () => stop.requested, onStop: () => new StopRequested() } });
      } catch (e) {
        if (!(e instanceof StopRequested)) throw e;
        reporter.event('info', 'stopping', `stop requested (${stop.reason}) while writing the embeddings: training is complete and checkpointed; \`resume\` writes them`, { step: run.position.step });
        return 'stop';
      }
      reporter.event('info', 'embeddings', `embeddings written: ${written.count} × ${written.dim} (${written.files.join(', ')})`, { step: run.position.step, data: { count: written.count, dim: written.dim, files: written.files } });
    },
  };
}
