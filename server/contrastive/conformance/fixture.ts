// The reference-fixture format (test/fixtures/reference/README.md) and its loading.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Matrix = number[][];

export interface FixtureDistanceParams {
  readonly type: string;
  readonly p: number;
  readonly normalizeEmbeddings: boolean;
  readonly power: number;
  readonly isInverted: boolean;
}

export interface Fixture {
  readonly name: string;
  readonly kind: 'loss' | 'distance' | 'miner';
  readonly family: string;
  readonly setting: string;
  readonly mode?: 'self' | 'cross';
  /** camelCase effective params; PML distances put {type,p,...} at the top level. */
  readonly params: Record<string, unknown> & { readonly distance?: FixtureDistanceParams };
  readonly inputs: {
    readonly embeddings: Matrix;
    readonly labels: number[] | null;
    readonly refEmbeddings: Matrix | null;
    readonly refLabels: number[] | null;
    readonly views: { view1: Matrix; view2: Matrix } | { online: Matrix; target: Matrix } | null;
    readonly probeWeights?: Matrix;
  };
  readonly expected: Record<string, unknown>;
}

export interface LoadedFixture {
  readonly file: string;
  readonly fixture: Fixture;
}

/** Every *.json in `dir` that is a fixture (index.json and other JSON without `kind` are skipped). */
export function loadFixtures(dir: string): LoadedFixture[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`Fixture folder "${dir}" does not exist or is not a folder.`);
  }
  const out: LoadedFixture[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
    }
    const kind = (parsed as { kind?: unknown }).kind;
    if (kind === 'loss' || kind === 'distance' || kind === 'miner') out.push({ file, fixture: parsed as Fixture });
  }
  return out;
}
