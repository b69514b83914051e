// The WebAssembly text of our reductions over the backend's memory.
//
// columnSums: out[c] = Σ_r x[r, c] (or that over rows) for a float32 matrix
// x [rows, columns], accumulated in float64 per column in row order, four columns per SIMD step. It
// is the same arithmetic, in the same order, as the JavaScript pass it replaces (float64 totals,
// one rounding to float32 at the end), so the sums are the same bit for bit, at a fifth of the time:
// batch-norm moments and gradients and bias gradients of a convnet sum millions of values per step.
//
// poison: Σ x·0 over n floats, which is 0 when every value is finite and NaN otherwise (0·±∞ and
// 0·NaN are NaN): the trainer's per-step check of every input, gradient and weight, in one pass
// without the temporary tensors x·0 that the same check made of tfjs operations.
//
// scripts/gen-wasm.ts assembles it into reduceWasm.generated.ts.

/**
 * columnSums(x, rows, columns, acc, out, averaged): x and out are byte offsets of float32 values,
 * acc of `columns` float64 scratch values (overwritten).
 */
export function reduceWat(shared: boolean): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})
  (func (export "columnSums") (param $x i32) (param $rows i32) (param $columns i32) (param $acc i32) (param $out i32) (param $averaged i32)
    (local $r i32) (local $c i32) (local $v v128) (local $a i32) (local $wide i32) (local $count f64)
    ;; Columns in groups of four go through SIMD; the rest (columns mod 4) one by one.
    (local.set $wide (i32.and (local.get $columns) (i32.const -4)))
    (local.set $c (i32.const 0))
    (block $zeroed (loop $zero
      (br_if $zeroed (i32.ge_u (local.get $c) (local.get $columns)))
      (f64.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))) (f64.const 0))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $zero)))
    (local.set $r (i32.const 0))
    (block $rowsDone (loop $row
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (local.set $a (local.get $acc))
      (block $quadsDone (loop $quad
        (br_if $quadsDone (i32.ge_u (local.get $c) (local.get $wide)))
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $quad)))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $c) (local.get $columns)))
        (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.promote_f32 (f32.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $rest)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row)))
    (local.set $count (f64.convert_i32_u (local.get $rows)))
    (local.set $c (i32.const 0))
    (block $written (loop $write
      (br_if $written (i32.ge_u (local.get $c) (local.get $columns)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
        (f32.demote_f64 (if (result f64) (local.get $averaged)
          (then (f64.div (f64.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3)))) (local.get $count)))
          (else (f64.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $write))))
  (func (export "poison") (param $x i32) (param $n i32) (result f32)
    (local $acc v128) (local $end i32) (local $tail f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $quadsDone (loop $quad
      (br_if $quadsDone (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $x)) (v128.const f32x4 0 0 0 0))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $quad)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $restDone (loop $rest
      (br_if $restDone (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $tail (f32.add (local.get $tail) (f32.mul (f32.load (local.get $x)) (f32.const 0))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $rest)))
    (f32.add (local.get $tail) (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
)
`;
}
