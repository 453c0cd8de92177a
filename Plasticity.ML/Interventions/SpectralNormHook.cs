using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Carries out <see cref="SpectralNormSpec"/> as a reparameterization kept by the hook. Between steps the layer's
/// weight parameter holds the normalized <c>W = W_raw / sigma</c>, so every forward pass (training, evaluation,
/// probes) sees it; the raw weight is <c>sigma * W</c>. Around the optimizer step the roles swap:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>AfterBackward: with the power-iteration vectors u, v held fixed, <c>sigma = u^T W_raw v</c> and the chain
/// rule gives <c>dL/dW_raw = (g - &lt;g, W&gt; u v^T) / sigma</c> from <c>g = dL/dW</c>; the parameter is set to
/// <c>W_raw</c> and its gradient to that, so the optimizer (and its state) works on <c>W_raw</c>.</item>
/// <item>AfterStep: power iteration on the updated <c>W_raw</c> refreshes u, v and sigma, and the parameter becomes
/// <c>W_raw / sigma</c> again.</item>
/// </list>
/// A convolution weight is treated as the matrix <c>[out, in * k * k]</c>. An intervention that rewrites this layer
/// between steps (a reset, shrink &amp; perturb) writes the normalized weight; list spectral normalization after it.
/// The plasticity probe trains its copies with <see cref="CreateProbeHook"/>: the same normalization, continuing from
/// this hook's u, v and sigma (so the copy's raw weight is this run's, not a renormalized one).
/// </remarks>
public sealed class SpectralNormHook : TrainingHook
{
    private const int InitialIterations = 15;
    private readonly SpectralNormSpec spec;
    private Parameter? weight;
    private Tensor? u;
    private Tensor? v;
    private SpectralNormHook? continues;

    /// <summary>Creates the hook for <paramref name="spec"/>.</summary>
    public SpectralNormHook(SpectralNormSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        this.spec = spec;
    }

    /// <summary>The current estimate of the largest singular value of the raw weight.</summary>
    public double Sigma { get; private set; } = double.NaN;

    /// <summary>The normalized layer's weight parameter (after <see cref="OnTrainingStart"/>).</summary>
    public Parameter? Weight => weight;

    /// <summary>The left singular vector estimate (for tests).</summary>
    internal Tensor? U => u;

    /// <summary>The right singular vector estimate (for tests).</summary>
    internal Tensor? V => v;

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (continues is null)
        {
            Start(context.Network, context.Seed);
            return;
        }
        // A copy of a normalized network: its weight already holds W = W_raw / sigma; continue with the original's
        // vectors and sigma rather than renormalizing (which would rescale the raw weight the optimizer sees).
        weight = ChooseWeight(context.Network);
        u?.Dispose();
        v?.Dispose();
        u = continues.u!.DetachedCopy().DetachFromDisposeScope();
        v = continues.v!.DetachedCopy().DetachFromDisposeScope();
        Sigma = continues.Sigma;
    }

    /// <inheritdoc />
    public override TrainingHook? CreateProbeHook()
    {
        if (u is null || v is null) throw new InvalidOperationException("Spectral normalization was not started.");
        return new SpectralNormHook(spec) { continues = this };
    }

    /// <summary>Chooses the layer, runs the initial power iterations and normalizes the weight.</summary>
    public void Start(PlasticNetwork network, long seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        weight = ChooseWeight(network);
        u?.Dispose();
        v?.Dispose();
        var random = SeedSequence.CreateRandom(seed, "spectral-norm");
        var start = new float[weight.shape[0]];
        for (int i = 0; i < start.Length; i++) start[i] = (float)random.NextGaussian();
        using (var scope = NewDisposeScope())
        {
            u = normalize(tensor(start).to(weight.dtype, weight.device)).DetachFromDisposeScope();
            v = zeros(Matrix(weight).shape[1], dtype: weight.dtype, device: weight.device).DetachFromDisposeScope();
        }
        Renormalize(InitialIterations);
    }

    /// <inheritdoc />
    public override void AfterBackward(TrainingContext context)
    {
        if (weight is null || u is null || v is null) throw new InvalidOperationException("Spectral normalization was not started.");
        var grad = weight.grad;
        if (grad is null) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var g = Matrix(grad);
        var w = Matrix(weight);
        var inner = (g * w).sum();
        using var sigma = Sigma.ToScalar();
        var rawGrad = (g - inner * outer(u, v)).div(sigma);
        grad.copy_(rawGrad.view(grad.shape));
        weight.mul_(sigma);
    }

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context) => Renormalize(spec.PowerIterations);

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (u is null || v is null) throw new InvalidOperationException("Spectral normalization was not started.");
        state.Set("u", u);
        state.Set("v", v);
        state.Set("sigma", Sigma);
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (u is null || v is null) throw new InvalidOperationException("Spectral normalization was not started.");
        state.CopyInto("u", u);
        state.CopyInto("v", v);
        Sigma = state.GetDouble("sigma");
    }

    private void Renormalize(int iterations)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var raw = Matrix(weight!);
        for (int i = 0; i < iterations; i++)
        {
            v!.copy_(normalize(raw.t().mv(u!)));
            u!.copy_(normalize(raw.mv(v)));
        }
        double sigma = u!.dot(raw.mv(v!)).item<float>();
        if (!(sigma > 0) || !double.IsFinite(sigma))
            throw new ArithmeticException($"Spectral normalization estimated sigma_max = {sigma}; the weight has become zero or non-finite.");
        Sigma = sigma;
        using var divisor = sigma.ToScalar();
        weight!.div_(divisor);
    }

    private Parameter ChooseWeight(PlasticNetwork network)
    {
        var layers = network.ParameterLayers;
        int index = spec.Layer ?? Enumerable.Range(0, layers.Count).First(i => i == layers.Count - 1 || !network.HiddenLayers[i].IsConvolution);
        if (index >= layers.Count)
            throw new ArgumentException($"Spectral normalization of layer {index}: the network has only {layers.Count} parameter layers.");
        return index < network.HiddenLayers.Count ? network.HiddenLayers[index].Weight : network.OutputLayer.weight!;
    }

    private static Tensor Matrix(Tensor t) => t.view(t.shape[0], -1);

    private static Tensor normalize(Tensor x)
    {
        using var norm = x.norm();
        using var clamped = norm.clamp_min(MinimumNorm);
        return x.div(clamped);
    }

    /// <summary>Static, so never finalized while libtorch reads it (see <see cref="Scalars"/>).</summary>
    private static readonly Scalar MinimumNorm = 1e-12.ToScalar();
}
