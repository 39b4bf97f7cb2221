;; 16 MiB memory.fill in a loop (bulk memory): worker.terminate() takes seconds to stop this, SIGKILL does not.
(module
  (memory 256 256)
  (func (export "fill") (result i32)
    (loop $forever
      (memory.fill (i32.const 0) (i32.const 7) (i32.const 16777216))
      (br $forever))
    (i32.const 0)))
