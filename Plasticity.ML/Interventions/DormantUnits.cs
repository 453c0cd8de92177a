using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Dormant units and their recycling (ReDo, Sokar et al. 2023). The dormancy score of unit i of a hidden layer
/// is <c>s_i = E|h_i| / (mean_k E|h_k| + 1e-9)</c> over a sample of inputs (and positions, for channels); the unit
/// is tau-dormant when <c>s_i &lt;= tau</c>. With tau = 0 only units that never fire count (dead ReLUs). Activity is
/// measured exactly as the statistics panel reports it (<see cref="UnitActivity"/>: evaluation mode), so the units
/// ReDo recycles are the ones the panel counts as dormant.
/// </summary>
public static class DormantUnits
{
    /// <summary>The tau-dormant units of every hidden layer (ascending indices per layer) on <paramref name="inputs"/>.</summary>
    public static long[][] Find(PlasticNetwork network, Tensor inputs, double tau) => Find(network, inputs, tau, out _);

    /// <summary>
    /// Recycles the tau-dormant units of every hidden layer (see <see cref="UnitRecycling.Recycle"/>): fresh incoming
    /// weights drawn from <paramref name="random"/> (layer by layer, in forward order, only for layers that have
    /// dormant units), zero outgoing weights, zeroed optimizer state when <paramref name="optimizer"/> is given.
    /// The output layer's units are never recycled. Returns the recycled units per hidden layer.
    /// </summary>
    public static long[][] Recycle(PlasticNetwork network, IPlasticOptimizer? optimizer, Tensor inputs, double tau, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var dormant = Find(network, inputs, tau, out var positions);
        for (int l = 0; l < dormant.Length; l++)
            UnitRecycling.Recycle(network, optimizer, l, dormant[l], positions[l], random);
        return dormant;
    }

    private static long[][] Find(PlasticNetwork network, Tensor inputs, double tau, out long[] positions)
    {
        if (!(tau >= 0) || double.IsInfinity(tau)) throw new ArgumentOutOfRangeException(nameof(tau), $"tau must be finite and non-negative; got {tau}.");
        var (means, p) = UnitActivity.MeanAbsolute(network, inputs);
        positions = p;
        return means.Select(m => UnitActivity.Dormant(UnitActivity.DormancyScores(m), tau)).ToArray();
    }
}
