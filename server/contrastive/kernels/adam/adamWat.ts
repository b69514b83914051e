// The WebAssembly text of one Adam / AdamW update: new weight and both moments from the weight, its
// gradient and the old moments, four floats per SIMD operation and the last n mod 4 one by one.
// Written as tfjs operations the rule is a dozen kernels per weight, each a pass over memory plus its
// JavaScript dispatch; JavaScript itself computes in float64 and its divisions cost 13 ns per
// element. WebAssembly's float32 +, ×, ÷ and √ are correctly rounded (IEEE 754), as the backend's
// own kernels are, so every element comes out as the operations give it, bit for bit.
// scripts/gen-wasm.ts assembles it into adamWasm.generated.ts.

/**
 * One element step in type `t` (f32x4 or f32) from the `load`ed operands at byte offset $o. The
 * coupled form (Adam with weight decay) adds decay·w to the gradient first.
 */
function update(t: 'f32x4' | 'f32', coupled: boolean): string {
  const load = t === 'f32x4' ? 'v128.load' : 'f32.load';
  const store = t === 'f32x4' ? 'v128.store' : 'f32.store';
  const at = (pointer: string): string => `(i32.add (local.get $${pointer}) (local.get $o))`;
  const c = (name: string): string => (t === 'f32x4' ? `(local.get $${name}V)` : `(local.get $${name})`);
  const gradient = coupled ? `(${t}.add (${load} ${at('g')}) (${t}.mul (local.get $w${t === 'f32x4' ? 'V' : 'S'}) ${c('decay')}))` : `(${load} ${at('g')})`;
  const local = t === 'f32x4' ? 'V' : 'S';
  return `
        (local.set $w${local} (${load} ${at('w')}))
        (local.set $g${local} ${gradient})
        (local.set $m${local} (${t}.add (${t}.mul (${load} ${at('m')}) ${c('beta1')}) (${t}.mul (local.get $g${local}) ${c('oneMinusBeta1')})))
        (local.set $v${local} (${t}.add (${t}.mul (${load} ${at('v')}) ${c('beta2')}) (${t}.mul (${t}.mul (local.get $g${local}) (local.get $g${local})) ${c('oneMinusBeta2')})))
        (${store} ${at('m1')} (local.get $m${local}))
        (${store} ${at('v1')} (local.get $v${local}))
        (${store} ${at('w1')} (${t}.sub (${t}.mul (local.get $w${local}) ${c('shrink')})
          (${t}.mul (${t}.div (${t}.div (local.get $m${local}) ${c('correction1')}) (${t}.add (${t}.sqrt (${t}.div (local.get $v${local}) ${c('correction2')})) ${c('epsilon')})) ${c('learningRate')})))`;
}

/** Both loops (SIMD, then the tail) for one form of the rule. */
function loops(coupled: boolean): string {
  return `
      (block $vectorsDone${coupled ? 'C' : ''} (loop $vectors${coupled ? 'C' : ''}
        (br_if $vectorsDone${coupled ? 'C' : ''} (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $bytes)))
        ${update('f32x4', coupled)}
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $vectors${coupled ? 'C' : ''})))
      (block $tailDone${coupled ? 'C' : ''} (loop $tail${coupled ? 'C' : ''}
        (br_if $tailDone${coupled ? 'C' : ''} (i32.ge_u (local.get $o) (local.get $bytes)))
        ${update('f32', coupled)}
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $tail${coupled ? 'C' : ''})))`;
}

const SCALARS = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'correction1', 'correction2', 'epsilon', 'learningRate', 'decay', 'shrink'] as const;

/**
 * adam(w, g, m, v, w1, m1, v1, n, β1, 1−β1, β2, 1−β2, 1−β1^t, 1−β2^t, ε, lr, decay, shrink, coupled):
 * byte offsets of the n-float operands and outputs, then the float32 scalars as tfjs makes them.
 * w1 = w·shrink − lr·(m1 / (1−β1^t)) / (√(v1 / (1−β2^t)) + ε), with g += decay·w first when coupled.
 */
export function adamWat(shared: boolean): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})
  (func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $w1 i32) (param $m1 i32) (param $v1 i32) (param $n i32)
    ${SCALARS.map((s) => `(param $${s} f32)`).join(' ')} (param $coupled i32)
    ${SCALARS.map((s) => `(local $${s}V v128)`).join(' ')}
    (local $o i32) (local $bytes i32)
    (local $wV v128) (local $gV v128) (local $mV v128) (local $vV v128) (local $wS f32) (local $gS f32) (local $mS f32) (local $vS f32)
    ${SCALARS.map((s) => `(local.set $${s}V (f32x4.splat (local.get $${s})))`).join('\n    ')}
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (if (local.get $coupled)
      (then ${loops(true)})
      (else ${loops(false)})))
)
`;
}
