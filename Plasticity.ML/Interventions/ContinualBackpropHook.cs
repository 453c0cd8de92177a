using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using static TorchSharp.torch;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Carries out <see cref="ContinualBackpropSpec"/>. After each optimizer step it <see cref="Observe"/>s the
/// mini-batch (ages and utilities), then, when the timing acts, <see cref="Replace"/>s units: among the mature units,
/// those of lowest bias-corrected utility <c>u / (1 - eta^age)</c>, as in Dohare et al.'s reference code (GnT), so a
/// unit that has just matured is not replaced first merely because its running average started from 0. Utilities use
/// the weights after the step and activations recomputed on the batch by <see cref="UnitActivity.MeanAbsolute"/>
/// (evaluation mode, one extra forward pass). The reference's bias correction of the next layer is not applied. After a
/// plasticity injection the units of the injected head are fresh: they start again at age 0 and utility 0, like
/// replaced units, instead of carrying the old units' maturity and utility.
/// </summary>
public sealed class ContinualBackpropHook : TrainingHook
{
    private readonly ContinualBackpropSpec spec;
    private double[][] utility = [];
    private long[][] age = [];
    private double[] pending = [];
    private long[] positions = [];
    private int replacements;
    private readonly Resets.InjectionFollower injections = new();

    /// <summary>Creates the hook for <paramref name="spec"/>.</summary>
    public ContinualBackpropHook(ContinualBackpropSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        this.spec = spec;
    }

    /// <summary>The running utility of each unit of hidden layer <paramref name="layer"/> (a copy).</summary>
    public double[] Utilities(int layer) => (double[])utility[layer].Clone();

    /// <summary>
    /// The bias-corrected utility <c>u / (1 - eta^age)</c> of each unit of hidden layer <paramref name="layer"/>, by which
    /// mature units are ranked for replacement (0 for a unit of age 0).
    /// </summary>
    public double[] CorrectedUtilities(int layer) =>
        utility[layer].Select((u, i) => age[layer][i] == 0 ? 0 : u / (1 - Math.Pow(spec.Decay, age[layer][i]))).ToArray();

    /// <summary>The age in steps of each unit of hidden layer <paramref name="layer"/> (a copy).</summary>
    public long[] Ages(int layer) => (long[])age[layer].Clone();

    /// <summary>The fractional number of replacements carried over in hidden layer <paramref name="layer"/>.</summary>
    public double PendingReplacements(int layer) => pending[layer];

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingContext context) => Start(context.Network);

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context)
    {
        var inputs = context.BatchInputs ?? throw new InvalidOperationException("Continual backprop needs the step's mini-batch.");
        Observe(context.Network, inputs);
        if (spec.Timing.ActsAfterStep(context.GlobalStep)) Replace(context);
    }

    /// <summary>Starts tracking <paramref name="network"/>: every unit of age 0 and utility 0.</summary>
    public void Start(PlasticNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layers = network.HiddenLayers;
        utility = layers.Select(l => new double[l.Units]).ToArray();
        age = layers.Select(l => new long[l.Units]).ToArray();
        pending = new double[layers.Count];
        positions = new long[layers.Count];
        replacements = 0;
        injections.Start(network);
    }

    /// <summary>Ages every unit by one step and updates its utility from the activations on <paramref name="inputs"/>.</summary>
    public void Observe(PlasticNetwork network, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (utility.Length != network.HiddenLayers.Count) throw new InvalidOperationException("Call Start (or OnTrainingStart) before Observe.");
        // Parameter layer l is hidden layer l: an injected head from layer `first` holds fresh hidden units from there on.
        if (injections.NewlyInjectedFirstLayer(network) is int first)
        {
            for (int l = first; l < utility.Length; l++)
            {
                Array.Clear(utility[l]);
                Array.Clear(age[l]);
            }
        }
        var (means, p) = UnitActivity.MeanAbsolute(network, inputs);
        positions = p;
        for (int l = 0; l < means.Length; l++)
        {
            var outgoing = OutgoingMagnitude(network, l);
            for (int i = 0; i < means[l].Length; i++)
            {
                utility[l][i] = spec.Decay * utility[l][i] + (1 - spec.Decay) * means[l][i] * outgoing[i];
                age[l][i]++;
            }
        }
    }

    /// <summary>
    /// In every hidden layer, adds <c>rho * (number of mature units)</c> to the pending count and replaces its whole
    /// part: the mature units with the lowest bias-corrected utility (<see cref="CorrectedUtilities"/>; ties by index).
    /// Returns the replaced units per layer.
    /// </summary>
    public long[][] Replace(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var network = context.Network;
        var replaced = new long[utility.Length][];
        for (int l = 0; l < utility.Length; l++)
        {
            var mature = Enumerable.Range(0, age[l].Length).Where(i => age[l][i] > spec.MaturityThreshold).ToArray();
            pending[l] += spec.ReplacementRate * mature.Length;
            int count = Math.Min((int)Math.Floor(pending[l]), mature.Length);
            if (count <= 0)
            {
                replaced[l] = [];
                continue;
            }
            pending[l] -= count;
            var corrected = CorrectedUtilities(l);
            var chosen = mature.OrderBy(i => corrected[i]).ThenBy(i => i).Take(count).Select(i => (long)i).OrderBy(i => i).ToArray();
            UnitRecycling.Recycle(network, spec.ResetOptimizerState ? context.Optimizer : null, l, chosen, positions[l],
                SeedSequence.CreateRandom(context.Seed, "continual-backprop", replacements++));
            foreach (var i in chosen)
            {
                age[l][i] = 0;
                utility[l][i] = 0;
            }
            replaced[l] = chosen;
        }
        return replaced;
    }

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("layers", utility.Length);
        for (int l = 0; l < utility.Length; l++)
        {
            state.Set($"utility.{l}", utility[l]);
            state.Set($"age.{l}", age[l]);
        }
        state.Set("pending", pending);
        state.Set("positions", positions);
        state.Set("replacements", replacements);
        injections.Save(state);
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        long layers = state.GetInt64("layers");
        if (layers != utility.Length)
            throw new InvalidDataException($"{state.Name}: continual backprop state for {layers} hidden layers, but the network has {utility.Length}.");
        for (int l = 0; l < utility.Length; l++)
        {
            utility[l] = state.GetDoubleArray($"utility.{l}");
            age[l] = state.GetInt64Array($"age.{l}");
        }
        pending = state.GetDoubleArray("pending");
        positions = state.GetInt64Array("positions");
        replacements = checked((int)state.GetInt64("replacements"));
        injections.Load(state);
    }

    private static double[] OutgoingMagnitude(PlasticNetwork network, int layer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = UnitRecycling.OutgoingWeight(network, layer).abs();
        var hidden = network.HiddenLayers[layer];
        // Columns (dimension 1) are the outputs read, laid out as [output of the unit, unit, positions]: an activation with
        // two outputs per unit puts unit u at u and u + units, and a linear layer reading a convolution sees each
        // channel as a block of positions. Summing all but the unit axis gives each unit's sum |w_out|.
        var grouped = weight.reshape(weight.shape[0], hidden.OutputsPerUnit, hidden.Units, -1);
        return grouped.sum([0L, 1L, 3L]).to_type(ScalarType.Float64).data<double>().ToArray();
    }
}
