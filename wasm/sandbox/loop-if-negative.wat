;; Returns its argument, but loops forever on a negative one: one bad input in the middle of a batch.
(module
  (func (export "f") (param f64) (result f64)
    (if (f64.lt (local.get 0) (f64.const 0))
      (then (loop $forever (br $forever))))
    (local.get 0)))
