;; A table without a maximum and no table.grow: an indirect call through an empty slot only traps.
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (func (export "f") (result i32) (call_indirect (type $t) (i32.const 1))))
