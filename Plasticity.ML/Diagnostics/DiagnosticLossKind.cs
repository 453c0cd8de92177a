using System.Text.Json.Serialization;

namespace Plasticity.ML.Diagnostics;

/// <summary>Which loss the curvature and gradient statistics differentiate (see <see cref="DiagnosticObjective"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiagnosticLossKind>))]
public enum DiagnosticLossKind
{
    /// <summary>The training objective (the run's loss against the current task's targets) on a data sample.</summary>
    Training,

    /// <summary>
    /// The probe ("geometry") objective of PAPER.md §2.3: mean_i ||f(x_i) - sg[f(x_i)] + eps_i||^2 with fixed
    /// eps_i ~ N(0, I) on the decoded prediction: how hard it is to push the outputs in a random direction.
    /// It needs no targets, so it is comparable across tasks and heads.
    /// </summary>
    Probe,
}
