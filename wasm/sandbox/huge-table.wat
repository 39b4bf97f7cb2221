;; 10,000,000 entries: V8's maximum, 1.6 s and 311 MiB to instantiate.
(module
  (table 10000000 10000000 funcref)
  (func (export "f") (result i32) (i32.const 0)))
