// The WebAssembly text of our matrix product C = A·B (+ bias, optional relu), float32, row-major.
// Why our own: tfjs-backend-wasm 4.22 multiplies through XNNPACK without its thread pool and packs the
// weights again on every call (they change every step), which runs at ~19 GFLOP/s here, while a
// register-blocked SIMD kernel reaches ~38 (bench/, `npm run bench`). The text is generated because
// the micro-kernels are unrolled; scripts/gen-wasm.ts assembles it into gemmWasm.generated.ts.
//
// Layout: B is packed into panels of 8 columns (Bp[panel][k][8], zero-padded past N), A into tiles of
// ROWS rows (Ap[tile][k][rows]), so the inner loop reads both sequentially. The micro-kernel keeps a
// ROWS×8 block of C in 2·ROWS SIMD registers; 4 rows is the most that fits x64's 16 vector registers
// without spills (5 and 6 measured slower). Transposed operands cost nothing extra: packing reads them
// in the other order.

/** Rows of C per micro-kernel call. */
export const TILE_ROWS = 4;
/** Columns of C per micro-kernel call (two 4-lane vectors). */
export const PANEL_COLUMNS = 8;
/** Rows of A packed and multiplied per block, so that block stays in the L2 cache. */
const BLOCK_ROWS = 64;

/**
 * c + a·b on four lanes: with `fused`, relaxed SIMD's multiply-add (one instruction and one rounding
 * where the processor has FMA: 15–20 % more GFLOP/s here, as the loop is bound by instruction count),
 * else a multiply then an add.
 */
function multiplyAdd(fused: boolean, c: string, a: string, b: string): string {
  return fused ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add ${c} (f32x4.mul ${a} ${b}))`;
}

/** The micro-kernel for `rows` rows: C[rows×8] = bias + Ap·Bp over k, then relu when asked. */
function microKernel(rows: number, fused: boolean): string {
  const r = Array.from({ length: rows }, (_, i) => i);
  return `
  (func $tile${rows} (param $ap i32) (param $bp i32) (param $k i32) (param $c i32) (param $ldc i32) (param $bias i32) (param $relu i32)
    ${r.map((i) => `(local $c${i}a v128) (local $c${i}b v128)`).join(' ')}
    (local $b0 v128) (local $b1 v128) (local $av v128) (local $end i32)
    (local.set $b0 (v128.load (local.get $bias)))
    (local.set $b1 (v128.load offset=16 (local.get $bias)))
    ${r.map((i) => `(local.set $c${i}a (local.get $b0)) (local.set $c${i}b (local.get $b1))`).join('\n    ')}
    (local.set $end (i32.add (local.get $bp) (i32.shl (local.get $k) (i32.const 5))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $bp) (local.get $end)))
      (local.set $b0 (v128.load (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
      ${r.map((i) => `(local.set $av (v128.load32_splat offset=${i * 4} (local.get $ap)))
      (local.set $c${i}a ${multiplyAdd(fused, `(local.get $c${i}a)`, '(local.get $av)', '(local.get $b0)')})
      (local.set $c${i}b ${multiplyAdd(fused, `(local.get $c${i}b)`, '(local.get $av)', '(local.get $b1)')})`).join('\n      ')}
      (local.set $ap (i32.add (local.get $ap) (i32.const ${rows * 4})))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br $next)))
    ;; f32x4.max propagates NaN, so a NaN product stays NaN under relu (XNNPACK's clamp made it 0).
    (if (local.get $relu) (then
      (local.set $av (v128.const f32x4 0 0 0 0))
      ${r.map((i) => `(local.set $c${i}a (f32x4.max (local.get $c${i}a) (local.get $av))) (local.set $c${i}b (f32x4.max (local.get $c${i}b) (local.get $av)))`).join('\n      ')}))
    ${r.map((i) => `(v128.store (local.get $c) (local.get $c${i}a)) (v128.store offset=16 (local.get $c) (local.get $c${i}b))${i < rows - 1 ? ' (local.set $c (i32.add (local.get $c) (local.get $ldc)))' : ''}`).join('\n    ')})`;
}

/**
 * `for (counter = start; counter < limit; counter += step) body` as WebAssembly text; without a
 * start the counter goes on from its current value. The labels are named after the counter.
 */
function countedLoop(counter: string, limit: string, step: string, body: string, start?: string): string {
  return `${start === undefined ? '' : `(local.set $${counter} ${start})`}
    (block $${counter}Done (loop $${counter}Next
      (br_if $${counter}Done (i32.ge_u (local.get $${counter}) ${limit}))
      ${body}
      (local.set $${counter} (i32.add (local.get $${counter}) ${step}))
      (br $${counter}Next)))`;
}

/** i8x16.shuffle picking four 32-bit lanes: 0–3 from the first operand, 4–7 from the second. */
function shuffle(...lanes: [number, number, number, number]): string {
  return `i8x16.shuffle ${lanes.flatMap((lane) => [0, 1, 2, 3].map((b) => lane * 4 + b)).join(' ')}`;
}

/** Calls the micro-kernel for `rows` ∈ 1..TILE_ROWS. */
function dispatch(): string {
  const cases = Array.from({ length: TILE_ROWS }, (_, i) => TILE_ROWS - i);
  const call = (rows: number) => `(call $tile${rows} (local.get $ap) (local.get $bp) (local.get $k) (local.get $c) (local.get $ldc) (local.get $bias) (local.get $relu))`;
  const chain = cases.slice(0, -1).reduceRight((inner, rows) => `(if (i32.eq (local.get $rows) (i32.const ${rows})) (then ${call(rows)}) (else ${inner}))`, call(1));
  return `
  (func $tile (param $rows i32) (param $ap i32) (param $bp i32) (param $k i32) (param $c i32) (param $ldc i32) (param $bias i32) (param $relu i32)
    ${chain})`;
}

/**
 * packB(b, bp, K, N, transB): panels of 8 columns of B (K×N; given as N×K when transB), zero past N.
 * packA(a, ap, M, K, transA, row0, row1): rows row0..row1 of A (M×K; K×M when transA) into tiles of
 * TILE_ROWS rows at ap + row·K·4 (row0 is a multiple of TILE_ROWS; the last tile may be shorter).
 */
function packing(): string {
  return `
  (func $packB (export "packB") (param $b i32) (param $bp i32) (param $K i32) (param $N i32) (param $transB i32)
    (local $j i32) (local $k i32) (local $col i32) (local $src i32)
    ${countedLoop('j', '(local.get $N)', '(i32.const 8)', countedLoop('k', '(local.get $K)', '(i32.const 1)', `
        (if (i32.and (i32.eqz (local.get $transB)) (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $N)))
          (then
            (local.set $src (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $N)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $bp) (v128.load (local.get $src)))
            (v128.store offset=16 (local.get $bp) (v128.load offset=16 (local.get $src))))
          (else
            ${countedLoop('col', '(i32.const 8)', '(i32.const 1)', `
              (f32.store (i32.add (local.get $bp) (i32.shl (local.get $col) (i32.const 2)))
                (if (result f32) (i32.lt_u (i32.add (local.get $j) (local.get $col)) (local.get $N))
                  (then (f32.load (i32.add (local.get $b) (i32.shl
                    (if (result i32) (local.get $transB)
                      (then (i32.add (i32.mul (i32.add (local.get $j) (local.get $col)) (local.get $K)) (local.get $k)))
                      (else (i32.add (i32.mul (local.get $k) (local.get $N)) (i32.add (local.get $j) (local.get $col)))))
                    (i32.const 2)))))
                  (else (f32.const 0))))`, '(i32.const 0)')}))
        (local.set $bp (i32.add (local.get $bp) (i32.const 32)))`, '(i32.const 0)'), '(i32.const 0)')})

  (func $packA (export "packA") (param $a i32) (param $ap i32) (param $M i32) (param $K i32) (param $transA i32) (param $row0 i32) (param $row1 i32)
    (local $i i32) (local $rows i32) (local $k i32) (local $r i32) (local $dst i32) (local $src i32) (local $stride i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    ${countedLoop('i', '(local.get $row1)', `(i32.const ${TILE_ROWS})`, `
      (local.set $rows (i32.sub (local.get $row1) (local.get $i)))
      (if (i32.gt_u (local.get $rows) (i32.const ${TILE_ROWS})) (then (local.set $rows (i32.const ${TILE_ROWS}))))
      (local.set $dst (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $i) (local.get $K)) (i32.const 2))))
      (local.set $k (i32.const 0))
      ;; Untransposed full tiles: four k at a time, a 4×4 transpose in registers; the rest below.
      (if (i32.and (i32.eqz (local.get $transA)) (i32.eq (local.get $rows) (i32.const ${TILE_ROWS})))
        (then
          (local.set $stride (i32.shl (local.get $K) (i32.const 2)))
          (local.set $src (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $K)) (i32.const 2))))
          (block $quads (loop $quad
            (br_if $quads (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $K)))
            (local.set $v0 (v128.load (local.get $src)))
            (local.set $v1 (v128.load (i32.add (local.get $src) (local.get $stride))))
            (local.set $v2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $stride) (i32.const 1)))))
            (local.set $v3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 3)))))
            (local.set $t0 (${shuffle(0, 4, 1, 5)} (local.get $v0) (local.get $v1)))
            (local.set $t1 (${shuffle(0, 4, 1, 5)} (local.get $v2) (local.get $v3)))
            (local.set $t2 (${shuffle(2, 6, 3, 7)} (local.get $v0) (local.get $v1)))
            (local.set $t3 (${shuffle(2, 6, 3, 7)} (local.get $v2) (local.get $v3)))
            (v128.store (local.get $dst) (${shuffle(0, 1, 4, 5)} (local.get $t0) (local.get $t1)))
            (v128.store offset=16 (local.get $dst) (${shuffle(2, 3, 6, 7)} (local.get $t0) (local.get $t1)))
            (v128.store offset=32 (local.get $dst) (${shuffle(0, 1, 4, 5)} (local.get $t2) (local.get $t3)))
            (v128.store offset=48 (local.get $dst) (${shuffle(2, 3, 6, 7)} (local.get $t2) (local.get $t3)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $quad)))))
      ${countedLoop('k', '(local.get $K)', '(i32.const 1)', `
        (if (i32.and (local.get $transA) (i32.eq (local.get $rows) (i32.const ${TILE_ROWS})))
          (then (v128.store (local.get $dst) (v128.load (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $M)) (local.get $i)) (i32.const 2))))))
          (else
            ${countedLoop('r', '(local.get $rows)', '(i32.const 1)', `
              (f32.store (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2)))
                (f32.load (i32.add (local.get $a) (i32.shl
                  (if (result i32) (local.get $transA)
                    (then (i32.add (i32.mul (local.get $k) (local.get $M)) (i32.add (local.get $i) (local.get $r))))
                    (else (i32.add (i32.mul (i32.add (local.get $i) (local.get $r)) (local.get $K)) (local.get $k))))
                  (i32.const 2)))))`, '(i32.const 0)')}))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $rows) (i32.const 2))))`)}`, '(local.get $row0)')})`;
}

/**
 * multiply(ap, bp, c, N, K, bias, relu, row0, row1, edge): rows row0..row1 of C (M×N, row stride N)
 * from packed A and B. `bias` points at N values padded with zeros to a multiple of 8 (all zeros
 * when there is no bias); `edge` at 4×8 floats of scratch for the last panel when N is not a
 * multiple of 8 (computed there, then its valid columns copied).
 */
function multiply(): string {
  return `
  (func $multiply (export "multiply") (param $ap i32) (param $bp i32) (param $c i32) (param $N i32) (param $K i32) (param $bias i32) (param $relu i32) (param $row0 i32) (param $row1 i32) (param $edge i32)
    (local $block i32) (local $blockEnd i32) (local $j i32) (local $i i32) (local $rows i32) (local $cols i32) (local $r i32) (local $q i32) (local $ldc i32) (local $panel i32)
    (local.set $ldc (i32.shl (local.get $N) (i32.const 2)))
    (local.set $block (local.get $row0))
    (block $blocks (loop $blockLoop
      (br_if $blocks (i32.ge_u (local.get $block) (local.get $row1)))
      (local.set $blockEnd (i32.add (local.get $block) (i32.const ${BLOCK_ROWS})))
      (if (i32.gt_u (local.get $blockEnd) (local.get $row1)) (then (local.set $blockEnd (local.get $row1))))
      ${countedLoop('j', '(local.get $N)', '(i32.const 8)', `
        (local.set $panel (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $j) (local.get $K)) (i32.const 2))))
        (local.set $cols (i32.sub (local.get $N) (local.get $j)))
        ${countedLoop('i', '(local.get $blockEnd)', `(i32.const ${TILE_ROWS})`, `
          (local.set $rows (i32.sub (local.get $blockEnd) (local.get $i)))
          (if (i32.gt_u (local.get $rows) (i32.const ${TILE_ROWS})) (then (local.set $rows (i32.const ${TILE_ROWS}))))
          (if (i32.ge_u (local.get $cols) (i32.const 8))
            (then (call $tile (local.get $rows)
              (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $i) (local.get $K)) (i32.const 2)))
              (local.get $panel) (local.get $K)
              (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2)))
              (local.get $ldc) (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (local.get $relu)))
            (else
              (call $tile (local.get $rows)
                (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $i) (local.get $K)) (i32.const 2)))
                (local.get $panel) (local.get $K) (local.get $edge) (i32.const 32)
                (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (local.get $relu))
              ${countedLoop('r', '(local.get $rows)', '(i32.const 1)', countedLoop('q', '(local.get $cols)', '(i32.const 1)', `
                  (f32.store
                    (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (local.get $r)) (local.get $N)) (i32.add (local.get $j) (local.get $q))) (i32.const 2)))
                    (f32.load (i32.add (local.get $edge) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $q)) (i32.const 2)))))`, '(i32.const 0)'), '(i32.const 0)')}))`, '(local.get $block)')}`, '(i32.const 0)')}
      (local.set $block (local.get $blockEnd))
      (br $blockLoop))))`;
}

/**
 * The module's text; `shared` imports a shared memory (the threaded tfjs binary's), else a plain one;
 * `fused` uses relaxed SIMD's multiply-add (wasmGemm.ts picks it where the engine accepts it).
 */
export function gemmWat(shared: boolean, fused = false): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  const kernels = Array.from({ length: TILE_ROWS }, (_, i) => microKernel(i + 1, fused)).join('\n');
  return `(module
  (import "env" "memory" ${memory})
${kernels}
${dispatch()}
${packing()}
${multiply()}
)
`;
}
