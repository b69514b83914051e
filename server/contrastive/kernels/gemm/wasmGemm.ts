// Runs our matrix-product module (gemmWat.ts) inside the tfjs wasm backend's own memory, so a
// product reads its operands where the backend keeps them and writes the backend's output tensor:
// no copy in or out. The module imports the backend's memory (shared in the threaded binary);
// packed operands live in a scratch block the backend's allocator hands us and that we grow on demand.
import { setFlagsFromString } from 'node:v8';
import { GEMM_FMA_WASM_PLAIN, GEMM_FMA_WASM_SHARED } from './gemmFmaWasm.generated';
import { GEMM_WASM_PLAIN, GEMM_WASM_SHARED } from './gemmWasm.generated';
import { PANEL_COLUMNS, TILE_ROWS } from './gemmWat';
import { CONTROL_INTS, GemmWorkers, MAX_CHUNKS, type GemmJob } from './gemmWorkers';
import { backendMemory, compileFor, isShared, webAssembly, type WasmMemory } from '../webAssemblyApi';

/** What we use of tfjs' emscripten module (public fields its typings omit). */
interface EmscriptenModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

interface GemmExports {
  packA(a: number, ap: number, m: number, k: number, transA: number, row0: number, row1: number): void;
  packB(b: number, bp: number, k: number, n: number, transB: number): void;
  multiply(ap: number, bp: number, c: number, n: number, k: number, bias: number, relu: number, row0: number, row1: number, edge: number): void;
}

/** One product C[m×n] = op(A)·op(B) (+ bias) (relu), operands given as byte offsets in the backend's memory. */
export interface GemmCall {
  readonly a: number;
  readonly b: number;
  readonly out: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** Byte offset of n bias values, or undefined. */
  readonly bias?: number;
  readonly relu: boolean;
}

const ALIGN = 64;
/** Rows of C per chunk shared between threads (a multiple of TILE_ROWS). */
const CHUNK_ROWS = 32;
/** Below this many multiply-adds a product stays on one thread: waking a helper costs more. */
const PARALLEL_MIN_WORK = 1 << 21;
const roundUp = (value: number, multiple: number): number => Math.ceil(value / multiple) * multiple;

let fusedAccepted: boolean | undefined;
/**
 * Whether this engine compiles the fused multiply-add flavour (relaxed SIMD). V8 ships relaxed SIMD
 * from 11.4 (VS Code's Electron); Node 20's V8 11.3 has it, complete, behind a flag, which we turn on
 * once for this process. CONTRASTIVE_LAB_GEMM=separate keeps the multiply and the add apart.
 */
function fusedMultiplyAddAccepted(): boolean {
  if (fusedAccepted === undefined) {
    const probe = Buffer.from(GEMM_FMA_WASM_PLAIN, 'base64');
    if (process.env.CONTRASTIVE_LAB_GEMM === 'separate') fusedAccepted = false;
    else if (webAssembly.validate(probe)) fusedAccepted = true;
    else {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      fusedAccepted = webAssembly.validate(probe);
    }
  }
  return fusedAccepted;
}

/** The arithmetic of the matrix product on this process: fused multiply-add or a multiply then an add. */
export function gemmArithmetic(): 'fused' | 'separate' {
  return fusedMultiplyAddAccepted() ? 'fused' : 'separate';
}

export class WasmGemm {
  private scratch = 0;
  private scratchBytes = 0;

  private constructor(private readonly module: EmscriptenModule, private readonly memory: WasmMemory, private readonly kernels: GemmExports, private readonly workers: GemmWorkers | undefined) {}

  /**
   * Instantiates the module over the backend's memory (undefined when that memory cannot be found),
   * with `threads - 1` helper threads when the memory is shared (the threaded binary).
   */
  static create(emscripten: unknown, threads: number): WasmGemm | undefined {
    const module = emscripten as EmscriptenModule;
    const memory = backendMemory(emscripten);
    if (memory === undefined) return undefined;
    const shared = isShared(memory);
    const compiled = fusedMultiplyAddAccepted() ? compileFor(memory, GEMM_FMA_WASM_PLAIN, GEMM_FMA_WASM_SHARED) : compileFor(memory, GEMM_WASM_PLAIN, GEMM_WASM_SHARED);
    const instance = new webAssembly.Instance(compiled, { env: { memory } });
    let workers: GemmWorkers | undefined;
    if (shared && threads > 1) {
      const edgeBytes = TILE_ROWS * PANEL_COLUMNS * 4;
      const block = module._malloc(CONTROL_INTS * 4 + (threads - 1) * edgeBytes + ALIGN) >>> 0;
      if (block !== 0) {
        const control = roundUp(block, ALIGN);
        const edges = Array.from({ length: threads - 1 }, (_, i) => control + CONTROL_INTS * 4 + i * edgeBytes);
        workers = new GemmWorkers(compiled, memory, control, edges);
      }
    }
    return new WasmGemm(module, memory, instance.exports as unknown as GemmExports, workers);
  }

  /** Byte offsets of the packed A, packed B, padded bias and edge tile for a product of this size. */
  private layout(m: number, k: number, n: number): { ap: number; bp: number; bias: number; edge: number } {
    const panels = roundUp(n, PANEL_COLUMNS);
    const apBytes = roundUp(roundUp(m, TILE_ROWS) * k * 4, ALIGN);
    const bpBytes = roundUp(panels * k * 4, ALIGN);
    const biasBytes = roundUp(panels * 4, ALIGN);
    const edgeBytes = TILE_ROWS * PANEL_COLUMNS * 4;
    const total = apBytes + bpBytes + biasBytes + edgeBytes + ALIGN;
    if (total > this.scratchBytes) {
      if (this.scratch !== 0) this.module._free(this.scratch);
      this.scratchBytes = Math.max(total, Math.floor(this.scratchBytes * 1.5));
      this.scratch = this.module._malloc(this.scratchBytes) >>> 0;
      if (this.scratch === 0) throw new Error(`The wasm backend could not allocate ${this.scratchBytes} bytes for a matrix product of ${m}×${k}·${k}×${n}.`);
    }
    const ap = roundUp(this.scratch, ALIGN);
    return { ap, bp: ap + apBytes, bias: ap + apBytes + bpBytes, edge: ap + apBytes + bpBytes + biasBytes };
  }

  run(call: GemmCall): void {
    const { m, k, n } = call;
    const at = this.layout(m, k, n);
    // The padded bias (zeros past n, and all zeros without a bias) doubles as the accumulators' start.
    const heap = new Float32Array(this.memory.buffer); // after layout(): an allocation may have grown the memory
    const biasStart = at.bias >>> 2;
    const padded = roundUp(n, PANEL_COLUMNS);
    if (call.bias === undefined) heap.fill(0, biasStart, biasStart + padded);
    else {
      heap.copyWithin(biasStart, call.bias >>> 2, (call.bias >>> 2) + n);
      heap.fill(0, biasStart + n, biasStart + padded);
    }
    this.kernels.packB(call.b, at.bp, k, n, call.transposeB ? 1 : 0);
    const job: GemmJob = { a: call.a, ap: at.ap, m, k, transA: call.transposeA ? 1 : 0, bp: at.bp, c: call.out, n, bias: at.bias, relu: call.relu ? 1 : 0, chunkRows: CHUNK_ROWS };
    const runHere = (rows: GemmJob, row0: number, row1: number): void => {
      this.kernels.packA(rows.a, rows.ap, rows.m, rows.k, rows.transA, row0, row1);
      this.kernels.multiply(rows.ap, rows.bp, rows.c, rows.n, rows.k, rows.bias, rows.relu, row0, row1, at.edge);
    };
    const chunks = Math.ceil(m / CHUNK_ROWS);
    if (this.workers === undefined || chunks < 2 || chunks > MAX_CHUNKS || m * n * k < PARALLEL_MIN_WORK) runHere(job, 0, m);
    else this.workers.run(job, chunks, runHere);
  }
}
