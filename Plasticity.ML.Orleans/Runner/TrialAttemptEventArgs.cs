namespace Plasticity.ML.Orleans.Runner;

/// <summary>An attempt at a trial on a silo: started there, or lost or refused there (with the reason).</summary>
/// <param name="Trial">The trial's name.</param>
/// <param name="Attempt">1 for the first placement, 2 for the first re-run after a loss, ...</param>
/// <param name="Silo">The silo's address.</param>
/// <param name="Reason">Why it was lost or refused; null for a start.</param>
public sealed record TrialAttemptEventArgs(string Trial, int Attempt, string Silo, string? Reason = null);
