;; A table without a maximum that grows by 1,000,000 entries per call: the sandbox bounds it, so grow answers -1.
(module
  (table 1 funcref)
  (func (export "grow") (result i32)
    (table.grow (ref.null func) (i32.const 1000000))))
