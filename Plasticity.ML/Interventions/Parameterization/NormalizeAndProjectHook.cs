using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions.Parameterization;

/// <summary>
/// Carries out <see cref="NormalizeAndProjectSpec"/>: records each weight's Frobenius norm (and each normalization
/// layer's joint (scale, offset) norm) when training starts, and after every step rescales them back to it.
/// </summary>
public sealed class NormalizeAndProjectHook : TrainingHook
{
    private readonly NormalizeAndProjectSpec spec;
    private double[] weightNorms = [];
    private double[] normalizationNorms = [];
    private bool inherited;

    /// <summary>Creates the hook for <paramref name="spec"/>.</summary>
    public NormalizeAndProjectHook(NormalizeAndProjectSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        this.spec = spec;
    }

    /// <summary>The initial Frobenius norm of each parameter layer's weight (hidden layers, then the output layer).</summary>
    public IReadOnlyList<double> InitialWeightNorms => weightNorms;

    /// <summary>The initial joint norm of each hidden layer's normalization (scale, offset); NaN for a layer without normalization parameters.</summary>
    public IReadOnlyList<double> InitialNormalizationNorms => normalizationNorms;

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (inherited) return;
        var network = context.Network;
        using var noGrad = no_grad();
        weightNorms = ShrinkPerturb.AffineParameters(network).Select(p => Norm(p.Weight)).ToArray();
        normalizationNorms = network.HiddenLayers.Select(h => NormalizationParameters(h) is { } p ? JointNorm(p.Scale, p.Offset) : double.NaN).ToArray();
    }

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (spec.Timing.ActsAfterStep(context.GlobalStep)) Project(context.Network);
    }

    /// <summary>Rescales every weight (and normalization pair) of <paramref name="network"/> to its initial norm.</summary>
    public void Project(PlasticNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (weightNorms.Length != network.HiddenLayers.Count + 1) throw new InvalidOperationException("Normalize-and-project was not started on this network.");
        using var noGrad = no_grad();
        int layer = 0;
        foreach (var (weight, _) in ShrinkPerturb.AffineParameters(network)) Rescale([weight], weightNorms[layer++]);
        if (!spec.ProjectNormalization) return;
        for (int l = 0; l < network.HiddenLayers.Count; l++)
            if (NormalizationParameters(network.HiddenLayers[l]) is { } p) Rescale([p.Scale, p.Offset], normalizationNorms[l]);
    }

    /// <inheritdoc />
    public override TrainingHook CreateProbeHook() =>
        new NormalizeAndProjectHook(spec) { weightNorms = weightNorms, normalizationNorms = normalizationNorms, inherited = true };

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("weightNorms", weightNorms);
        state.Set("normalizationNorms", normalizationNorms);
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var weights = state.GetDoubleArray("weightNorms");
        var normalizations = state.GetDoubleArray("normalizationNorms");
        if (weights.Length != weightNorms.Length || normalizations.Length != normalizationNorms.Length)
            throw new InvalidDataException($"{state.Name}: normalize-and-project state for {weights.Length} layers, but the network has {weightNorms.Length}.");
        weightNorms = weights;
        normalizationNorms = normalizations;
    }

    /// <summary>Multiplies <paramref name="tensors"/> by one factor so that their joint norm becomes <paramref name="target"/> (a zero norm is left alone).</summary>
    private static void Rescale(Tensor[] tensors, double target)
    {
        double norm = JointNorm(tensors);
        if (!(norm > 0) || !double.IsFinite(target)) return;
        using var factor = (target / norm).ToScalar();
        foreach (var t in tensors) t.mul_(factor);
    }

    private static double Norm(Tensor t) => JointNorm(t);

    private static double JointNorm(params Tensor[] tensors)
    {
        double squares = 0;
        foreach (var t in tensors) squares += t.SquaredNorm();
        return Math.Sqrt(squares);
    }

    private static (Parameter Scale, Parameter Offset)? NormalizationParameters(HiddenLayer layer) => layer.Norm switch
    {
        LayerNorm { weight: { } w, bias: { } b } => (w, b),
        BatchNorm1d { weight: { } w, bias: { } b } => (w, b),
        BatchNorm2d { weight: { } w, bias: { } b } => (w, b),
        _ => null,
    };
}
