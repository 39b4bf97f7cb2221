;; Ten entries to start with, a 10,000,000-entry maximum it never uses: runs, because nothing grows it.
(module
  (table 10 10000000 funcref)
  (func (export "f") (result i32) (table.size)))
