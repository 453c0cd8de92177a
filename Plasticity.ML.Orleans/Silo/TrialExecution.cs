namespace Plasticity.ML.Orleans.Silo;

/// <summary>How a silo runs the trials it accepts; either way the work runs off the Orleans scheduler.</summary>
public enum TrialExecution
{
    /// <summary>
    /// Each trial in a worker process of its own (the silo's local <see cref="Search.Runners.ProcessPoolTrialRunner"/>):
    /// a native crash or a process-wide setting (libtorch's thread count) stays inside its trial. The silo's program must
    /// call <see cref="Search.Runners.TrialWorker.RunIfRequested"/> first thing in <c>Main</c> (or name a worker command).
    /// </summary>
    Processes = 0,

    /// <summary>
    /// Each trial on a dedicated thread of the silo (the local <see cref="Search.Runners.InProcessTrialRunner"/>): no
    /// process start-up per trial, but trials side by side share the silo's process (see that runner's remarks).
    /// </summary>
    Threads = 1,
}
