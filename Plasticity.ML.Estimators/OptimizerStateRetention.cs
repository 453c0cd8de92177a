namespace Plasticity.ML.Estimators;

/// <summary>
/// Whether a trained model keeps its optimizer's state (Adam's moments and step count, or SGD's momentum), so that a
/// later <c>Fit(newData, previousModel)</c> resumes the optimizer where it stopped instead of starting it afresh.
/// </summary>
/// <remarks>
/// The state is as large as the network (two floats per weight for Adam), so it is off by default. Task-boundary
/// interventions that reset optimizer state still act at the start of the warm-started fit, after the state is restored.
/// </remarks>
public enum OptimizerStateRetention
{
    /// <summary>The model keeps no optimizer state; a warm-started fit starts a fresh optimizer from the previous weights.</summary>
    None = 0,

    /// <summary>
    /// The model keeps the state in memory only: a warm start from this object resumes it, but
    /// <c>mlContext.Model.Save</c> does not write it (the saved file stays as small as a model without state).
    /// </summary>
    InMemory = 1,

    /// <summary>
    /// The model keeps the state and <c>mlContext.Model.Save</c> writes it as an extra entry of the model file, so a
    /// model loaded in another process resumes it too. Files without that entry (older ones, or saved with
    /// <see cref="InMemory"/>) load as models without state.
    /// </summary>
    InModelFile = 2,
}
