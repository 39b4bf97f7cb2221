;; One page without a maximum, grown by a given number of pages: the sandbox bounds it at WASM_MAX_MEMORY.
(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))
