using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Tests.Search;

/// <summary>Runs a tuner against an objective, one trial at a time or several in flight, and records what happened.</summary>
public sealed class TunerDriver(ITuner tuner, Func<TrialProposal, TrialResult> evaluate)
{
    /// <summary>Every proposal, in order.</summary>
    public List<TrialProposal> Proposals { get; } = [];

    /// <summary>Every result, in reporting order.</summary>
    public List<TrialResult> Results { get; } = [];

    /// <summary>An evaluator that reports <paramref name="metric"/> of the parameters as a completed trial.</summary>
    public static Func<TrialProposal, TrialResult> Completed(Func<ParameterSet, double> metric) =>
        p => TrialResult.Completed(p.Id, metric(p.Parameters), cost: 1);

    /// <summary>
    /// Runs up to <paramref name="trials"/> trials with up to <paramref name="parallel"/> in flight; results are reported
    /// oldest first. Stops early when the tuner has nothing to propose and nothing is running.
    /// </summary>
    public TunerDriver Run(int trials, int parallel = 1)
    {
        var running = new Queue<TrialProposal>();
        int proposed = 0;
        while (proposed < trials || running.Count > 0)
        {
            while (proposed < trials && running.Count < parallel && tuner.Propose() is { } proposal)
            {
                Proposals.Add(proposal);
                running.Enqueue(proposal);
                proposed++;
            }
            if (running.Count == 0) break;
            var result = evaluate(running.Dequeue());
            Results.Add(result);
            tuner.Update(result);
        }
        return this;
    }

    /// <summary>The proposals as JSON lines (for exact comparisons).</summary>
    public IReadOnlyList<string> ProposalJson => Proposals.Select(p => Plasticity.ML.Common.PlasticityJson.Serialize(p)).ToList();
}
