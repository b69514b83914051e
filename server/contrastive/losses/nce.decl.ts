import { BOTH_ENGINES, bool, loss, num } from '../declare';
import { temperatureOf } from './temperature.decl';

// Noise samples are the anchor's in-batch negatives (and a queue's keys), drawn uniformly from its candidates.
export const nce = loss('nce', 'Binary noise-contrastive estimation (NCE; Gutmann & Hyvärinen 2010, Mnih & Teh 2012), the ancestor of InfoNCE: every positive pair is classified as data against its anchor\'s k negatives taken as noise samples, each by σ(Δ) with Δ = S/τ − c − log(k·q). The noise distribution q is uniform over the anchor\'s m candidates (q = 1/m), so log(k·q) = log(k/m). One independent logistic term per pair, no softmax. Works with labels, two views (pair ids) and a memory queue.', {
  temperature: temperatureOf(0.1, 'Temperature τ: the score of a pair is similarity/τ (or −distance/τ).'),
  logNormalizer: num('Initial log-normalising constant c of the model density exp(S/τ − c) (0 = self-normalised, as Mnih & Teh found works).', 0, { minimum: -50, maximum: 50 }, [0]),
  learnable: bool('Learn c with the network (otherwise it stays at its initial value).', false),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: 'learnable', engines: BOTH_ENGINES });
