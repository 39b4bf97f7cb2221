;; 65536 initial pages: 4 GiB declared.
(module
  (memory 65536 65536)
  (func (export "f") (result i32) (i32.const 0)))
