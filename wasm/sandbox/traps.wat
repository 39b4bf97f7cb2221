;; One export per trap kind.
(module
  (memory 1 1)
  (func (export "unreachable") (result i32) unreachable)
  (func (export "divide_by_zero") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "integer_overflow") (result i32) (i32.div_s (i32.const -2147483648) (i32.const -1)))
  (func (export "out_of_bounds") (result i32) (i32.load (i32.const 65536)))
  (func (export "invalid_conversion") (param f64) (result i32) (i32.trunc_f64_s (local.get 0))))
