(module
  (func (export "swap") (param f64 f64) (result f64 f64) (local.get 1) (local.get 0)))
