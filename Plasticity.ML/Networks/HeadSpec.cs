using System.Text.Json.Serialization;
using Plasticity.ML.Search;

namespace Plasticity.ML.Networks;

/// <summary>What the output layer predicts and which loss trains it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HeadKind>))]
public enum HeadKind
{
    /// <summary><see cref="HeadSpec.Outputs"/> real values trained with MSE or Huber.</summary>
    Regression,

    /// <summary><see cref="HeadSpec.Outputs"/> class logits trained with cross-entropy.</summary>
    Classification,

    /// <summary>Each of <see cref="HeadSpec.Outputs"/> values is a categorical distribution over
    /// <see cref="HeadSpec.Bins"/> fixed bins on [<see cref="HeadSpec.Min"/>, <see cref="HeadSpec.Max"/>], trained with
    /// cross-entropy against the two-hot encoding of the target; the prediction is its expectation.</summary>
    TwoHot,
}

/// <summary>The output head of a network.</summary>
public sealed record HeadSpec
{
    /// <summary>Kind of head.</summary>
    /// <remarks>Searched between a regression head and a two-hot head (PAPER.md's recipe for regression-like targets); a
    /// classification network leaves it out of the search (<c>SearchSpace.Without("Network.Head.Kind")</c>).</remarks>
    [Choice(new object[] { HeadKind.Regression, HeadKind.TwoHot }, HeadKind.Regression)]
    public HeadKind Kind { get; init; } = HeadKind.Regression;

    /// <summary>Number of predicted values (regression, two-hot) or classes (classification).</summary>
    public int Outputs { get; init; } = 1;

    /// <summary>Number of bins of a two-hot head.</summary>
    public int Bins { get; init; } = 51;

    /// <summary>Lower end of the two-hot support.</summary>
    public double Min { get; init; } = -2.0;

    /// <summary>Upper end of the two-hot support.</summary>
    public double Max { get; init; } = 2.0;

    /// <summary>Width of the output layer: <c>Outputs * Bins</c> for two-hot, else <c>Outputs</c>.</summary>
    [JsonIgnore]
    public int OutputLayerWidth => Kind == HeadKind.TwoHot ? Outputs * Bins : Outputs;

    /// <summary>Checks the head and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Outputs <= 0) throw new ArgumentException($"{nameof(Outputs)} must be positive; got {Outputs}.");
        if (Kind == HeadKind.Classification && Outputs < 2)
            throw new ArgumentException($"A classification head needs at least 2 classes; got {Outputs}.");
        if (Kind == HeadKind.TwoHot)
        {
            if (Bins < 2) throw new ArgumentException($"A two-hot head needs at least 2 bins; got {Bins}.");
            if (!(Max > Min) || double.IsInfinity(Min) || double.IsInfinity(Max))
                throw new ArgumentException($"A two-hot head needs a finite range with Min < Max; got [{Min}, {Max}].");
        }
    }
}
