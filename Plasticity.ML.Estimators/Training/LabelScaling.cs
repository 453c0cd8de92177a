using System.Globalization;

namespace Plasticity.ML.Estimators.Training;

/// <summary>
/// The affine map between a regression label and the network's training target: target = (label - Mean) / Scale,
/// score = Mean + Scale * output. Standardizing keeps targets near unit scale whatever the label's units (a label in
/// the hundreds trains as well as one near zero); the map is part of the model, so scores come back in label units.
/// </summary>
/// <param name="Mean">The label's mean on the first window the network was trained on (0 for identity).</param>
/// <param name="Scale">The label's standard deviation there (1 for identity; 1 as well for a constant label).</param>
internal readonly record struct LabelScaling(double Mean, double Scale)
{
    /// <summary>No scaling: what classification models and models saved before standardization use.</summary>
    public static LabelScaling Identity { get; } = new(0, 1);

    /// <summary>
    /// The mean and (population) standard deviation of <paramref name="labels"/>. A constant label (standard deviation
    /// 0, or too small to divide by) gets scale 1, so it trains to output 0 and predicts the constant.
    /// </summary>
    public static LabelScaling Of(ReadOnlySpan<float> labels)
    {
        if (labels.IsEmpty) throw new ArgumentException("No labels to standardize.", nameof(labels));
        double mean = 0;
        foreach (float v in labels) mean += v;
        mean /= labels.Length;
        double squares = 0;
        foreach (float v in labels) squares += (v - mean) * (v - mean);
        double std = Math.Sqrt(squares / labels.Length);
        // Below this the label is constant up to float rounding: dividing by it would only amplify rounding noise.
        bool constant = !(std > 1e-6 * Math.Max(1, Math.Abs(mean)));
        return new LabelScaling(mean, constant ? 1 : std);
    }

    /// <summary>The training target of a label.</summary>
    public float ToTarget(float label) => (float)((label - Mean) / Scale);

    /// <summary>The score of a network output.</summary>
    public float ToScore(float output) => (float)(Mean + Scale * output);

    /// <summary>Throws <see cref="InvalidDataException"/> when a stored scaling is unusable.</summary>
    public LabelScaling Validated() => double.IsFinite(Mean) && double.IsFinite(Scale) && Scale > 0
        ? this
        : throw new InvalidDataException($"The model's label scaling is invalid: mean {Mean.ToString("R", CultureInfo.InvariantCulture)}, scale {Scale.ToString("R", CultureInfo.InvariantCulture)}.");
}
