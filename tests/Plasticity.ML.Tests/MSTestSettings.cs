// Torch tests share libtorch's process-wide thread pool and RNG state; run them one at a time.
[assembly: DoNotParallelize]
