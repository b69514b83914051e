// Helpers that share one matrix product with the calling thread. The threaded tfjs binary keeps its
// tensors in a shared memory, so a worker thread can run our module over the same memory and compute
// some rows of C in place. Rows go out in chunks that each thread claims with an atomic
// compare-and-swap: a thread slowed down by this shared machine simply claims fewer, and the caller
// never waits on a helper that has not started yet (it takes every chunk itself).
import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from '../webAssemblyApi';

// Control block (int32 slots) in the shared memory.
const POSTED = 0; // jobs posted: helpers sleep on it
const CLAIM = 1; // (job number mod 2^15) << 16 | next chunk
const DONE = 2; // chunks finished in the current job
const PARAMS = 3; // a, ap, m, k, transA, bp, c, n, bias, relu, chunkRows, chunks
export const CONTROL_INTS = 16;
/** The most chunks one job can have (the chunk index has 16 bits, and 0xffff closes claims). */
export const MAX_CHUNKS = 0xfffe;

/** The worker's program: wait for a job, claim chunks, read the job after a successful claim. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, edge } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
let posted = 0;
for (;;) {
  Atomics.wait(ctl, ${POSTED}, posted);
  posted = Atomics.load(ctl, ${POSTED});
  for (;;) {
    const claim = Atomics.load(ctl, ${CLAIM});
    const chunk = claim & 0xffff;
    if (chunk >= ctl[${PARAMS + 11}]) break;
    if (Atomics.compareExchange(ctl, ${CLAIM}, claim, claim + 1) !== claim) continue;
    const [a, ap, m, k, transA, bp, c, n, bias, relu, chunkRows] = ctl.subarray(${PARAMS}, ${PARAMS + 11});
    const row0 = chunk * chunkRows, row1 = Math.min(m, row0 + chunkRows);
    kernels.packA(a, ap, m, k, transA, row0, row1);
    kernels.multiply(ap, bp, c, n, k, bias, relu, row0, row1, edge);
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});
  }
}
`;

export interface GemmJob {
  readonly a: number;
  readonly ap: number;
  readonly m: number;
  readonly k: number;
  readonly transA: number;
  readonly bp: number;
  readonly c: number;
  readonly n: number;
  readonly bias: number;
  readonly relu: number;
  readonly chunkRows: number;
}

/** Runs one chunk on the calling thread. */
export type ChunkRunner = (job: GemmJob, row0: number, row1: number) => void;

export class GemmWorkers {
  private readonly control: Int32Array;
  private job = 0;

  /** `control`: byte offset of CONTROL_INTS int32s; `edges`: one 4×8-float scratch tile per helper. */
  constructor(module: WasmModule, memory: WasmMemory, control: number, edges: readonly number[]) {
    this.control = new Int32Array(memory.buffer, control, CONTROL_INTS);
    this.control.fill(0);
    for (const edge of edges) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, edge } });
      worker.unref(); // an idle helper must not keep a finished process alive
    }
  }

    /** Computes every chunk of `job`, this thread and the helpers together; returns once all are done. */
  run(job: GemmJob, chunks: number, runHere: ChunkRunner): void {
    const ctl = this.control;
    const params = [job.a, job.ap, job.m, job.k, job.transA, job.bp, job.c, job.n, job.bias, job.relu, job.chunkRows, chunks];
    // Close claims first: a helper still looking at the last job then fails its compare-and-swap
    // instead of claiming a chunk of a half-written job.
    this.job = (this.job + 1) & 0x7fff;
    Atomics.store(ctl, CLAIM, (this.job << 16) | 0xffff);
    params.forEach((value, i) => { ctl[PARAMS + i] = value | 0; });
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, CLAIM, this.job << 16);
    Atomics.add(ctl, POSTED, 1);
    Atomics.notify(ctl, POSTED);
    for (;;) {
      const claim = Atomics.load(ctl, CLAIM);
      const chunk = claim & 0xffff;
      if (chunk >= chunks) break;
      if (Atomics.compareExchange(ctl, CLAIM, claim, claim + 1) !== claim) continue;
      runHere(job, chunk * job.chunkRows, Math.min(job.m, (chunk + 1) * job.chunkRows));
      Atomics.add(ctl, DONE, 1);
    }
    for (let done = Atomics.load(ctl, DONE); done < chunks; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done, 50);
  }
}
