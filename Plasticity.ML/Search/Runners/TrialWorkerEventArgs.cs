namespace Plasticity.ML.Search.Runners;

/// <summary>A worker process started for a trial.</summary>
/// <param name="Trial">The trial's name.</param>
/// <param name="ProcessId">The worker's process id.</param>
public sealed record TrialWorkerEventArgs(string Trial, int ProcessId);
