// Checks a miner fixture: exact set equality of the mined tuples, and the matrix the miner used.
import { tf } from '../backend';
import { DotProductSimilarity } from '../distances/dot';
import { LpDistance } from '../distances/lp';
import type { Distance } from '../distances/types';
import { BatchHardMiner } from '../miners/batch-hard';
import { MultiSimilarityMiner } from '../miners/multi-similarity';
import { TripletMarginMiner, type TripletSelection } from '../miners/triplet-margin';
import type { Miner, MinedTuples } from '../miners/types';
import { compareTuples, compareValues } from './compare';
import type { Fixture, Matrix } from './fixture';
import { FixtureFormatError, fixtureDistance, numberParam } from './map-params';

const euclidean = (): Distance => new LpDistance({ p: 2, normalize: true, power: 1 });
const cosine = (): Distance => new DotProductSimilarity('cosine', true);

/** PML's type_of_triplets → the schema's mining type. */
const SELECTIONS: Record<string, TripletSelection> = { all: 'all', hard: 'hard', semihard: 'semiHard', easy: 'easy' };

function minerFor(fixture: Fixture): { miner: Miner; distance: Distance } {
  if (fixture.family.startsWith('TripletMarginMiner')) {
    const kind = String(fixture.params.typeOfTriplets ?? fixture.family.split('_')[1] ?? 'all');
    const selection = SELECTIONS[kind];
    if (selection === undefined) throw new FixtureFormatError(`typeOfTriplets "${kind}" is unknown (expected all, hard, semihard or easy)`);
    const distance = fixtureDistance(fixture, euclidean);
    return { miner: new TripletMarginMiner(distance, selection, numberParam(fixture, 'margin', 0.2)), distance };
  }
  if (fixture.family === 'BatchHardMiner') {
    const distance = fixtureDistance(fixture, euclidean);
    return { miner: new BatchHardMiner(distance), distance };
  }
  if (fixture.family === 'MultiSimilarityMiner') {
    const distance = fixtureDistance(fixture, cosine);
    return { miner: new MultiSimilarityMiner(distance, numberParam(fixture, 'epsilon', 0.1)), distance };
  }
  throw new FixtureFormatError(`miner family "${fixture.family}" is unknown (known: TripletMarginMiner_*, BatchHardMiner, MultiSimilarityMiner)`);
}

function zip(...columns: Int32Array[]): number[][] {
  const first = columns[0] ?? new Int32Array(0);
  return Array.from(first, (_v, i) => columns.map((c) => c[i] ?? -1));
}

export function runMinerFixture(fixture: Fixture): string[] {
  const { miner, distance } = minerFor(fixture);
  const { embeddings, labels, refEmbeddings, refLabels } = fixture.inputs;
  if (labels === null) throw new FixtureFormatError('a miner needs inputs.labels');
  const expected = fixture.expected as { triplets?: number[][]; posPairs?: number[][]; negPairs?: number[][]; distanceMatrix?: Matrix };
  const failures: (string | null)[] = [];
  tf.tidy(() => {
    const x = tf.tensor2d(embeddings);
    const ref = refEmbeddings === null ? undefined : tf.tensor2d(refEmbeddings);
    if (expected.distanceMatrix !== undefined) {
      failures.push(compareValues('distanceMatrix', distance.pairwise(x, ref).dataSync(), expected.distanceMatrix));
    }
    const tuples: MinedTuples = miner.mine({ embeddings: x, labels, ...(ref !== undefined ? { refEmbeddings: ref, refLabels: refLabels ?? labels } : {}) });
    if (tuples.kind === 'triplets') {
      if (expected.triplets === undefined) failures.push('the miner returned triplets but the fixture expects pairs');
      else failures.push(compareTuples('triplets', zip(tuples.anchors, tuples.positives, tuples.negatives), expected.triplets));
    } else {
      if (expected.posPairs === undefined || expected.negPairs === undefined) failures.push('the miner returned pairs but the fixture expects triplets');
      else {
        failures.push(compareTuples('posPairs', zip(tuples.posAnchors, tuples.positives), expected.posPairs));
        failures.push(compareTuples('negPairs', zip(tuples.negAnchors, tuples.negatives), expected.negPairs));
      }
    }
  });
  return failures.filter((f): f is string => f !== null);
}
