global using Microsoft.VisualStudio.TestTools.UnitTesting;

// Torch tests share libtorch's process-wide thread pool; run them one at a time.
[assembly: DoNotParallelize]
