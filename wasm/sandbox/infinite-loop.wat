;; Never returns and has no fuel: only the wall clock can stop it.
(module
  (func (export "spin") (param f64) (result f64)
    (loop $forever (br $forever))
    (local.get 0)))
