namespace Plasticity.ML.Search.Tuners;

/// <summary>The metric a trial reached at an intermediate fidelity (after so many windows, tasks or steps).</summary>
/// <param name="Fidelity">How far the trial had trained, in the experiment's fidelity unit.</param>
/// <param name="Metric">The metric there (finite).</param>
public sealed record FidelityResult(long Fidelity, double Metric);
