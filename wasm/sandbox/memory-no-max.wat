;; One page, but free to grow without a maximum.
(module
  (memory 1)
  (func (export "f") (result i32) (i32.const 0)))
