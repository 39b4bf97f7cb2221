(module
  (table 1 funcref)
  (func (export "f") (result i32) (i32.const 0)))
