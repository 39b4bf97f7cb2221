;; A whitelisted name with another signature: V8 would link it and silently return NaN.
(module
  (import "Math" "pow" (func $pow (param f64) (result f64)))
  (func (export "f") (param f64) (result f64) (call $pow (local.get 0))))
