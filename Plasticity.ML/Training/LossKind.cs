using System.Text.Json.Serialization;

namespace Plasticity.ML.Training;

/// <summary>The training loss.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LossKind>))]
public enum LossKind
{
    /// <summary>The head's natural loss: MSE for regression, cross-entropy for classification, two-hot cross-entropy for
    /// two-hot, HL-Gauss cross-entropy for HL-Gauss.</summary>
    Auto,

    /// <summary>Mean squared error.</summary>
    Mse,

    /// <summary>Huber loss (smooth L1) with <see cref="ContinualTrainingOptions.HuberDelta"/>.</summary>
    Huber,

    /// <summary>Cross-entropy over class logits.</summary>
    CrossEntropy,

    /// <summary>Cross-entropy of each two-hot distribution against the two-hot encoding of its target.</summary>
    TwoHotCrossEntropy,

    /// <summary>Cross-entropy of each HL-Gauss distribution against the HL-Gauss encoding of its target (<see cref="Networks.HlGaussEncoding"/>).</summary>
    HlGaussCrossEntropy,
}
