// The WebAssembly text of our broadcast arithmetic over the backend's memory: out = a ∘ b for
// ∘ in + − × ÷ where b is broadcast along the rows of a [rows, cols] (a row vector [cols]: batch-norm
// centring and scaling) or along its columns (a column [rows, 1]: a norm or a row sum per sample).
// The wasm backend's own kernels compute an index per element for any broadcast (0.6–5 ns an
// element here); these make four lanes per SIMD step. One float32 operation per element, as tfjs
// does, so the values are the same bit for bit. `r` variants compute b ∘ a (for − and ÷).
//
// Also lerp, out = a·s + b·t, the EMA target's update in one pass instead of three kernels.
//
// scripts/gen-wasm.ts assembles it into binaryWasm.generated.ts.

export const BINARY_OPS = ['add', 'sub', 'mul', 'div'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** The exported functions: rows_<op>[r] and cols_<op>[r], each (a, b, out, rows, cols), offsets in bytes. */
export function binaryExportName(kind: 'rows' | 'cols', op: BinaryOp, reversed: boolean): string {
  return `${kind}_${op}${reversed ? 'r' : ''}`;
}

function apply(lanes: 'f32x4' | 'f32', op: BinaryOp, reversed: boolean, a: string, b: string): string {
  const [x, y] = reversed ? [b, a] : [a, b];
  return `(${lanes}.${op} ${x} ${y})`;
}

/** out[r, c] = a[r, c] ∘ b[c] (kind rows) or a[r, c] ∘ b[r] (kind cols). */
function kernel(kind: 'rows' | 'cols', op: BinaryOp, reversed: boolean): string {
  const vectorB = kind === 'rows' ? '(v128.load (local.get $bc))' : '(local.get $splat)';
  const scalarB = kind === 'rows' ? '(f32.load (local.get $bc))' : '(f32.load (local.get $b))';
  return `
  (func (export "${binaryExportName(kind, op, reversed)}") (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $wide i32) (local $bc i32) (local $splat v128)
    (local.set $wide (i32.and (local.get $cols) (i32.const -4)))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      ${kind === 'cols' ? '(local.set $splat (v128.load32_splat (local.get $b)))' : ''}
      (local.set $bc (local.get $b))
      (local.set $c (i32.const 0))
      (block $quadsDone (loop $quad
        (br_if $quadsDone (i32.ge_u (local.get $c) (local.get $wide)))
        (v128.store (local.get $out) ${apply('f32x4', op, reversed, '(v128.load (local.get $a))', vectorB)})
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        ${kind === 'rows' ? '(local.set $bc (i32.add (local.get $bc) (i32.const 16)))' : ''}
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $quad)))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store (local.get $out) ${apply('f32', op, reversed, '(f32.load (local.get $a))', scalarB)})
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        ${kind === 'rows' ? '(local.set $bc (i32.add (local.get $bc) (i32.const 4)))' : ''}
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $rest)))
      ${kind === 'cols' ? '(local.set $b (i32.add (local.get $b) (i32.const 4)))' : ''}
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))`;
}

/**
 * out = a·s + b·t over n floats (the EMA target's update: s = τ, t = 1 − τ), each product and the sum
 * rounded to float32 as the three tfjs operations round them, so the values are the same bit for bit.
 */
const LERP = `
  (func (export "lerp") (param $a i32) (param $b i32) (param $out i32) (param $n i32) (param $s f32) (param $t f32)
    (local $i i32) (local $wide i32) (local $sv v128) (local $tv v128)
    (local.set $wide (i32.and (local.get $n) (i32.const -4)))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $tv (f32x4.splat (local.get $t)))
    (block $quadsDone (loop $quad
      (br_if $quadsDone (i32.ge_u (local.get $i) (local.get $wide)))
      (v128.store (local.get $out) (f32x4.add (f32x4.mul (v128.load (local.get $a)) (local.get $sv)) (f32x4.mul (v128.load (local.get $b)) (local.get $tv))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $quad)))
    (block $restDone (loop $rest
      (br_if $restDone (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (local.get $out) (f32.add (f32.mul (f32.load (local.get $a)) (local.get $s)) (f32.mul (f32.load (local.get $b)) (local.get $t))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rest))))`;

export function binaryWat(shared: boolean): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  const functions = (['rows', 'cols'] as const).flatMap((kind) =>
    BINARY_OPS.flatMap((op) => [kernel(kind, op, false), ...(op === 'sub' || op === 'div' ? [kernel(kind, op, true)] : [])]),
  );
  return `(module
  (import "env" "memory" ${memory})${functions.join('')}${LERP})
`;
}
