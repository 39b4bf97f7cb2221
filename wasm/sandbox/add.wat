;; A well-behaved gene: f64 addition, no imports, no memory.
(module
  (func (export "add") (param f64 f64) (result f64)
    (f64.add (local.get 0) (local.get 1))))
