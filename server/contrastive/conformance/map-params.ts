// Maps a fixture's params (pytorch-metric-learning names in camelCase) onto the library's own
// constructors. Implemented from the definitions, so other seeds and settings map the same way.
import { DotProductSimilarity } from '../distances/dot';
import { JensenShannonDivergence } from '../distances/jensen-shannon';
import { KLDivergence } from '../distances/kl';
import { LpDistance } from '../distances/lp';
import type { Distance } from '../distances/types';
import { Wasserstein1D } from '../distances/wasserstein';
import type { Fixture, FixtureDistanceParams } from './fixture';

export class FixtureFormatError extends Error {}

export function numberParam(fixture: Fixture, key: string, fallback?: number): number {
  const value = fixture.params[key];
  if (typeof value === 'number') return value;
  if (value === undefined && fallback !== undefined) return fallback;
  throw new FixtureFormatError(`params.${key} is ${JSON.stringify(value)}; expected a number`);
}

export function booleanParam(fixture: Fixture, key: string, fallback: boolean): boolean {
  const value = fixture.params[key];
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new FixtureFormatError(`params.${key} is ${JSON.stringify(value)}; expected true or false`);
}

/** A PML distance description ({type, p, normalizeEmbeddings, power, isInverted}). */
export function distanceFromPml(params: FixtureDistanceParams): Distance {
  let distance: Distance;
  switch (params.type) {
    case 'LpDistance': {
      if (params.p !== 1 && params.p !== 2) throw new FixtureFormatError(`LpDistance with p=${params.p} is not supported (p must be 1 or 2)`);
      distance = new LpDistance({ p: params.p, normalize: params.normalizeEmbeddings, power: params.power ?? 1 });
      break;
    }
    case 'CosineSimilarity':
      distance = new DotProductSimilarity('cosine', true);
      break;
    case 'DotProductSimilarity':
      distance = new DotProductSimilarity('dot', params.normalizeEmbeddings);
      break;
    default:
      throw new FixtureFormatError(`distance type "${params.type}" is unknown (expected LpDistance, CosineSimilarity or DotProductSimilarity)`);
  }
  if (params.isInverted !== undefined && params.isInverted !== distance.isInverted) {
    throw new FixtureFormatError(`distance ${params.type} has isInverted=${params.isInverted}, but the library's is ${distance.isInverted}`);
  }
  return distance;
}

/** The distance a `kind: "distance"` fixture describes. */
export function distanceFromFixture(fixture: Fixture): Distance {
  const family = fixture.family;
  if (family.startsWith('KLDivergence')) return new KLDivergence(numberParam(fixture, 'temperature', 1));
  if (family.startsWith('JensenShannon')) return new JensenShannonDivergence(numberParam(fixture, 'temperature', 1));
  if (family.startsWith('Wasserstein')) return new Wasserstein1D(numberParam(fixture, 'temperature', 1));
  return distanceFromPml(fixture.params as unknown as FixtureDistanceParams);
}

/** The distance a loss or miner fixture uses (params.distance), or `fallback` when it has none. */
export function fixtureDistance(fixture: Fixture, fallback: () => Distance): Distance {
  const spec = fixture.params.distance;
  return spec === undefined || spec === null ? fallback() : distanceFromPml(spec);
}
