;; The whitelisted import with the exact signature.
(module
  (import "Math" "pow" (func $pow (param f64 f64) (result f64)))
  (func (export "pow") (param f64 f64) (result f64) (call $pow (local.get 0) (local.get 1))))
