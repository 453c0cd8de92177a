namespace Plasticity.ML.Search.Objectives;

/// <summary>
/// The prequential (test-then-train) score of one window: the loss and accuracy, on the window's samples, of the model
/// trained on every window before it, measured before the model learns the window.
/// </summary>
/// <param name="Window">The window's index in the stream (from 0; window 0 has no model trained before it and is never scored).</param>
/// <param name="Loss">The mean training loss on the window's samples (cross-entropy, MSE, ... as the model trains).</param>
/// <param name="Accuracy">The fraction of samples classified correctly; NaN for regression targets.</param>
/// <param name="Samples">The number of samples scored.</param>
public sealed record WindowScore(int Window, double Loss, double Accuracy, int Samples);
