// The WebAssembly text of the scan behind our TopK (wasmTopK.ts): the first index at or after
// `start` whose score beats `threshold` (or is NaN), four scores per SIMD comparison. A top-k scan
// keeps the worst of the k best so far as its threshold, and nearly every score of a long row fails
// it; JavaScript spent ~4 ns a score on that test over the backend's shared memory, this ~0.3.
//
// scripts/gen-wasm.ts assembles it into topkWasm.generated.ts.

const FIRST_ABOVE = `
  (func (export "firstAbove") (param $row i32) (param $n i32) (param $start i32) (param $threshold f32) (result i32)
    (local $j i32) (local $wide i32) (local $bar v128) (local $v v128) (local $s f32)
    (local.set $j (local.get $start))
    (local.set $bar (f32x4.splat (local.get $threshold)))
    (local.set $wide (i32.sub (local.get $n) (i32.const 3)))
    ;; Four at a time while four remain: a block with a winner (or a NaN: v ≠ v) is searched one by one.
    (block $quadsDone (loop $quad
      (br_if $quadsDone (i32.ge_s (local.get $j) (local.get $wide)))
      (local.set $v (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
      (br_if $quadsDone (v128.any_true (v128.or (f32x4.gt (local.get $v) (local.get $bar)) (f32x4.ne (local.get $v) (local.get $v)))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $quad)))
    (block $found (loop $one
      (br_if $found (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $s (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
      (br_if $found (i32.or (f32.gt (local.get $s) (local.get $threshold)) (f32.ne (local.get $s) (local.get $s))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $one)))
    (local.get $j))`;

export function topkWat(shared: boolean): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})${FIRST_ABOVE})
`;
}
