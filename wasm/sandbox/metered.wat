;; Fuel-metered like the gene compiler's output (src/core/wasm-abi.ts): one unit per loop iteration.
(module
  (global $fuel (export "chimera_fuel") (mut i64) (i64.const 0))
  (global $status (export "chimera_status") (mut i32) (i32.const 0))
  (func $burn
    (global.set $fuel (i64.sub (global.get $fuel) (i64.const 1)))
    (if (i64.lt_s (global.get $fuel) (i64.const 0))
      (then (global.set $status (i32.const 1)) unreachable)))
  ;; Sum 1..n, spending fuel on every iteration.
  (func (export "sum") (param $n f64) (result f64)
    (local $acc f64)
    (block $done
      (loop $next
        (br_if $done (f64.le (local.get $n) (f64.const 0)))
        (call $burn)
        (local.set $acc (f64.add (local.get $acc) (local.get $n)))
        (local.set $n (f64.sub (local.get $n) (f64.const 1)))
        (br $next)))
    (local.get $acc)))
