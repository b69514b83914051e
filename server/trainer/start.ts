// Starting and resuming runs: what `contrastive-lab train` and `resume` do once the spec is
// checked, callable from tests and scripts too.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BackendRequest } from '../contrastive/backend';
import { readJsonObject } from '../shared/files';
import { runPaths } from '../runs/paths';
import { effectiveStatus, readRunRecord, updateRunRecord, waitsInQueue } from '../runs/record';
import type { ResolvedSpec } from '../spec/types';
import type { OutputMode } from './reporter';
import { ResumeError } from './resumeError';
import { createRunDirectory } from './runDirectory';
import { runSession, type SessionOutcome } from './session';
import type { StopSignal } from './stop';

export interface RunControls {
  readonly mode: OutputMode;
  /** --backend; null = the spec's run.backend. */
  readonly backend: BackendRequest | null;
  /** --threads; null or absent = the spec's run.threads. */
  readonly threads?: number | null;
  readonly stop: StopSignal;
  readonly umap: boolean;
  readonly onStep?: (step: number) => void;
}

export interface NewRun {
  readonly spec: ResolvedSpec;
  readonly specPath: string;
  readonly specText: string;
  /** Folder holding run directories; null = the spec's run.outputDir next to the spec file. */
  readonly outRoot: string | null;
}

export async function trainNewRun(run: NewRun, controls: RunControls, onCreated: (runDir: string) => void = () => undefined): Promise<SessionOutcome> {
  const specPath = resolve(run.specPath);
  const specDir = dirname(specPath);
  const root = run.outRoot !== null ? resolve(run.outRoot) : resolve(specDir, run.spec.run.outputDir);
  const { dir } = createRunDirectory(root, run.spec, specPath, run.specText, run.spec.strategy.epochs);
  onCreated(dir);
  return runSession({ runDir: dir, spec: run.spec, specDir, mode: controls.mode, resume: false, backend: controls.backend ?? run.spec.run.backend, threads: controls.threads ?? run.spec.run.threads, stop: controls.stop, cacheDir: join(root, '.cache'), umap: controls.umap, ...(controls.onStep ? { onStep: controls.onStep } : {}) });
}

export { ResumeError };

export async function resumeRun(runDir: string, controls: RunControls): Promise<SessionOutcome> {
  const dir = resolve(runDir);
  const record = readRunRecord(dir);
  const status = effectiveStatus(record);
  if (status === 'running' || (status === 'queued' && !waitsInQueue(record))) {
    throw new ResumeError(`${dir}: run ${record.id} is still ${status} (pid ${record.pid}); stop it first (SIGTERM) or wait for it to end.`);
  }
  if (status === 'completed') throw new ResumeError(`${dir}: run ${record.id} has completed; there is nothing to resume. Start a new run with \`contrastive-lab train\`.`);
  const specFile = runPaths(dir).specJson;
  if (!existsSync(specFile)) throw new ResumeError(`${specFile}: missing; this run cannot be resumed without the spec it trained.`);
  const spec = readJsonObject<ResolvedSpec>(specFile, 'recorded spec');
  updateRunRecord(dir, { status: 'queued', pid: process.pid });
  return runSession({
    runDir: dir,
    spec,
    specDir: dirname(record.specPath),
    mode: controls.mode,
    resume: true,
    backend: controls.backend ?? spec.run.backend,
    // Runs recorded before run.threads existed use every core, as its default does.
    threads: controls.threads ?? spec.run.threads ?? 0,
    stop: controls.stop,
    cacheDir: join(dirname(dir), '.cache'),
    umap: controls.umap,
    ...(controls.onStep ? { onStep: controls.onStep } : {}),
  });
}
