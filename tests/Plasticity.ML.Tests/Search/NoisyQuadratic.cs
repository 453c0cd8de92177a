using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.PopulationBased;

namespace Plasticity.ML.Tests.Search;

/// <summary>
/// SGD on <c>L(theta) = theta^2 / 2</c> with unit Gaussian gradient noise, tracked exactly through the mean m and
/// variance v of theta: one step at rate lr gives <c>m &lt;- (1 - lr) m</c>, <c>v &lt;- (1 - lr)^2 v + lr^2</c>, and the
/// expected loss is <c>(m^2 + v) / 2</c>. Starting at m = 10, a constant rate trades speed for the noise floor
/// <c>lr / (2 - lr)</c>, so the best schedule decays; the checkpoint of a "trial" is the pair (m, v).
/// </summary>
public static class NoisyQuadratic
{
    private const double StartMean = 10;

    /// <summary>The search space: the learning rate, log scale on [1e-5, 1].</summary>
    public static SearchSpace Space { get; } = new([new RangeParameter("lr", 1e-5, 1, logBase: true)]);

    /// <summary>The expected loss after <paramref name="steps"/> steps at the constant rate <paramref name="lr"/> (closed form).</summary>
    public static double ConstantLoss(double lr, int steps)
    {
        double a = (1 - lr) * (1 - lr);
        double decay = Math.Pow(a, steps);
        double variance = lr * lr * (1 - decay) / (1 - a);
        return (StartMean * StartMean * decay + variance) / 2;
    }

    /// <summary>The lowest loss any constant rate reaches in <paramref name="steps"/> steps (a fine log grid over the space).</summary>
    public static double BestConstantLoss(int steps) =>
        Enumerable.Range(0, 5001).Select(i => ConstantLoss(Math.Pow(10, -5 + 5.0 * i / 5000), steps)).Min();

    /// <summary>Runs PBT to <paramref name="steps"/> and returns the best member's final expected loss.</summary>
    public static double RunPbt(long seed, int populationSize, int interval, int steps)
    {
        var tuner = new PopulationBasedTuner(Space, new PopulationBasedOptions
        {
            Direction = OptimizationDirection.Minimize,
            Seed = seed,
            PopulationSize = populationSize,
            Interval = interval,
            MaxFidelity = steps,
        });
        var checkpoints = new Dictionary<int, (double M, double V, long Fidelity)>();
        double best = double.PositiveInfinity;
        while (tuner.Propose() is { } proposal)
        {
            var (m, v, at) = proposal.ResumeFrom is int source ? checkpoints[source] : (StartMean, 0.0, 0L);
            Assert.AreEqual(at, proposal.StartFidelity, "the checkpoint is at the proposal's start fidelity");
            double lr = proposal.Parameters.GetNumber("lr");
            for (long s = at; s < proposal.Fidelity; s++)
            {
                m *= 1 - lr;
                v = (1 - lr) * (1 - lr) * v + lr * lr;
            }
            checkpoints[proposal.Id] = (m, v, proposal.Fidelity!.Value);
            double loss = (m * m + v) / 2;
            if (proposal.Fidelity == steps) best = Math.Min(best, loss);
            tuner.Update(TrialResult.Completed(proposal.Id, loss));
        }
        Assert.IsEmpty(tuner.Pending);
        return best;
    }
}
