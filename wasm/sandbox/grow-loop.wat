;; Grows memory one page at a time, forever (grow returns -1 at the maximum and the loop goes on).
(module
  (memory 1 256)
  (func (export "grow") (result i32)
    (loop $forever (drop (memory.grow (i32.const 1))) (br $forever))
    (i32.const 0)))
