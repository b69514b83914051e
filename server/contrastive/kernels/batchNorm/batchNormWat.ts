// The WebAssembly text of batch normalisation in training over a [rows, cols] batch (statistics per
// column), forward and backward, each in a few SIMD passes over the backend's memory. Written as
// tfjs operations the pair is some twenty kernels, each a pass over memory plus its JavaScript
// dispatch; BYOL-style heads run a dozen of them per step.
//   forward:  mean = Σx/rows, var = Σ(x − mean)²/rows, invStd = 1/√(var + ε),
//             x̂ = (x − mean)·invStd, y = x̂·γ + β
//   backward: dβ = Σdy, dγ = Σdy·x̂, dx = (dy − dβ/rows − x̂·dγ/rows)·γ·invStd
// The column sums accumulate in float64 (as our other large reductions do, reduce/reduceWat.ts): a
// convnet's batch norm sums N·H·W rows, tens of thousands, where float32 totals drift by 1e-3 and
// the input gradient, which subtracts them, carries that into every filter gradient. The caller gives
// a zeroed float64 scratch of 2·cols values.
//
// scripts/gen-wasm.ts assembles it into batchNormWasm.generated.ts.

/** A loop over every element of a [rows, cols] batch: `quad` for four columns at a time, `one` for the rest. */
function overBatch(quad: string, one: string): string {
  return `
    (local.set $r (i32.const 0))
    (local.set $e (i32.const 0))
    (block $rowsDone (loop $row
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $quadsDone (loop $quad
        (br_if $quadsDone (i32.ge_u (local.get $c) (local.get $wide)))
        (local.set $o (i32.shl (local.get $c) (i32.const 2)))
        (local.set $o64 (i32.shl (local.get $c) (i32.const 3)))
        ${quad}
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $quad)))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $o (i32.shl (local.get $c) (i32.const 2)))
        (local.set $o64 (i32.shl (local.get $c) (i32.const 3)))
        ${one}
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $rest)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row)))`;
}

/** A loop over the columns alone (per-column statistics). */
function overColumns(one: string): string {
  return `
    (local.set $c (i32.const 0))
    (block $colsDone (loop $col
      (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cols)))
      (local.set $o (i32.shl (local.get $c) (i32.const 2)))
      (local.set $o64 (i32.shl (local.get $c) (i32.const 3)))
      ${one}
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $col)))`;
}

// Addresses: an element of a batch ($e: byte offset within it), a column's float32 statistic ($o)
// and a column's float64 total ($o64).
const at = (base: string): string => `(i32.add (local.get ${base}) (local.get $e))`;
const col = (base: string): string => `(i32.add (local.get ${base}) (local.get $o))`;
const total = (base: string): string => `(i32.add (local.get ${base}) (local.get $o64))`;
const LOCALS = '(local $r i32) (local $c i32) (local $e i32) (local $o i32) (local $o64 i32) (local $wide i32) (local $d v128) (local $s f32)';

/** Adds four float32 lanes (v128 `value`), or their squares, to four float64 totals at `base` (two f64x2). */
function addToTotals(base: string, value: string, squared = false): string {
  const widen = (lanes: string): string => (squared ? `(f64x2.mul ${lanes} ${lanes})` : lanes);
  const low = '(f64x2.promote_low_f32x4 (local.get $d))';
  const high = '(f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))';
  return `(local.set $d ${value})
        (v128.store ${total(base)} (f64x2.add (v128.load ${total(base)}) ${widen(low)}))
        (v128.store offset=16 ${total(base)} (f64x2.add (v128.load offset=16 ${total(base)}) ${widen(high)}))`;
}

/** Adds one float32 (f32 `value`) to a float64 total at `base`. */
function addToTotal(base: string, value: string): string {
  return `(f64.store ${total(base)} (f64.add (f64.load ${total(base)}) (f64.promote_f32 ${value})))`;
}

const FORWARD = `
  (func (export "forward") (param $x i32) (param $gamma i32) (param $beta i32) (param $y i32) (param $xhat i32)
      (param $mean i32) (param $var i32) (param $invStd i32) (param $totals i32) (param $rows i32) (param $cols i32) (param $eps f32)
    ${LOCALS} (local $squares i32)
    (local.set $wide (i32.and (local.get $cols) (i32.const -4)))
    (local.set $squares (i32.add (local.get $totals) (i32.shl (local.get $cols) (i32.const 3))))
    ${overBatch(addToTotals('$totals', `(v128.load ${at('$x')})`), addToTotal('$totals', `(f32.load ${at('$x')})`))}
    ${overColumns(`(f32.store ${col('$mean')} (f32.demote_f64 (f64.div (f64.load ${total('$totals')}) (f64.convert_i32_u (local.get $rows)))))`)}
    ${overBatch(
      addToTotals('$squares', `(f32x4.sub (v128.load ${at('$x')}) (v128.load ${col('$mean')}))`, true),
      `(local.set $s (f32.sub (f32.load ${at('$x')}) (f32.load ${col('$mean')})))
        (f64.store ${total('$squares')} (f64.add (f64.load ${total('$squares')}) (f64.mul (f64.promote_f32 (local.get $s)) (f64.promote_f32 (local.get $s)))))`,
    )}
    ${overColumns(`(f32.store ${col('$var')} (f32.demote_f64 (f64.div (f64.load ${total('$squares')}) (f64.convert_i32_u (local.get $rows)))))
      (f32.store ${col('$invStd')} (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.load ${col('$var')}) (local.get $eps)))))`)}
    ${overBatch(
      `(local.set $d (f32x4.mul (f32x4.sub (v128.load ${at('$x')}) (v128.load ${col('$mean')})) (v128.load ${col('$invStd')})))
        (v128.store ${at('$xhat')} (local.get $d))
        (v128.store ${at('$y')} (f32x4.add (f32x4.mul (local.get $d) (v128.load ${col('$gamma')})) (v128.load ${col('$beta')})))`,
      `(local.set $s (f32.mul (f32.sub (f32.load ${at('$x')}) (f32.load ${col('$mean')})) (f32.load ${col('$invStd')})))
        (f32.store ${at('$xhat')} (local.get $s))
        (f32.store ${at('$y')} (f32.add (f32.mul (local.get $s) (f32.load ${col('$gamma')})) (f32.load ${col('$beta')})))`,
    )})`;

// Scratch: float64 totals of dβ and dγ (2·cols), then float32 columns k1 = γ·invStd, k2 = dβ/rows, k3 = dγ/rows.
const BACKWARD = `
  (func (export "backward") (param $dy i32) (param $xhat i32) (param $invStd i32) (param $gamma i32) (param $dx i32)
      (param $dGamma i32) (param $dBeta i32) (param $totals i32) (param $rows i32) (param $cols i32)
    ${LOCALS} (local $gammaTotals i32) (local $k1 i32) (local $k2 i32) (local $k3 i32)
    (local.set $wide (i32.and (local.get $cols) (i32.const -4)))
    (local.set $gammaTotals (i32.add (local.get $totals) (i32.shl (local.get $cols) (i32.const 3))))
    (local.set $k1 (i32.add (local.get $gammaTotals) (i32.shl (local.get $cols) (i32.const 3))))
    (local.set $k2 (i32.add (local.get $k1) (i32.shl (local.get $cols) (i32.const 2))))
    (local.set $k3 (i32.add (local.get $k2) (i32.shl (local.get $cols) (i32.const 2))))
    ${overBatch(
      `${addToTotals('$totals', `(v128.load ${at('$dy')})`)}
        ${addToTotals('$gammaTotals', `(f32x4.mul (v128.load ${at('$dy')}) (v128.load ${at('$xhat')}))`)}`,
      `${addToTotal('$totals', `(f32.load ${at('$dy')})`)}
        ${addToTotal('$gammaTotals', `(f32.mul (f32.load ${at('$dy')}) (f32.load ${at('$xhat')}))`)}`,
    )}
    ${overColumns(`(f32.store ${col('$dBeta')} (f32.demote_f64 (f64.load ${total('$totals')})))
      (f32.store ${col('$dGamma')} (f32.demote_f64 (f64.load ${total('$gammaTotals')})))
      (f32.store ${col('$k1')} (f32.mul (f32.load ${col('$gamma')}) (f32.load ${col('$invStd')})))
      (f32.store ${col('$k2')} (f32.demote_f64 (f64.div (f64.load ${total('$totals')}) (f64.convert_i32_u (local.get $rows)))))
      (f32.store ${col('$k3')} (f32.demote_f64 (f64.div (f64.load ${total('$gammaTotals')}) (f64.convert_i32_u (local.get $rows)))))`)}
    ${overBatch(
      `(v128.store ${at('$dx')} (f32x4.mul (f32x4.sub (f32x4.sub (v128.load ${at('$dy')}) (v128.load ${col('$k2')}))
          (f32x4.mul (v128.load ${at('$xhat')}) (v128.load ${col('$k3')}))) (v128.load ${col('$k1')})))`,
      `(f32.store ${at('$dx')} (f32.mul (f32.sub (f32.sub (f32.load ${at('$dy')}) (f32.load ${col('$k2')}))
          (f32.mul (f32.load ${at('$xhat')}) (f32.load ${col('$k3')}))) (f32.load ${col('$k1')})))`,
    )})`;

export function batchNormWat(shared: boolean): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})${FORWARD}${BACKWARD})
`;
}
