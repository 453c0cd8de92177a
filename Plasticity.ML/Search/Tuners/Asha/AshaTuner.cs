using System.Text.Json.Nodes;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners.Asha;

/// <summary>
/// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter Tuning",
/// MLSys 2020): configurations start cheap and only the best climb to the full fidelity, without waiting for rungs to
/// fill, so every free worker always has a trial.
/// </summary>
/// <remarks>
/// <para>Rung k trains to fidelity <c>r·eta^(s+k)</c> (r: <see cref="AshaOptions.MinFidelity"/>, eta:
/// <see cref="AshaOptions.ReductionFactor"/>, s: <see cref="AshaOptions.MinEarlyStoppingRate"/>); the top rung, the
/// largest k with <c>r·eta^(s+k) &lt;= R</c>, trains to <see cref="AshaOptions.MaxFidelity"/> R exactly. Each call to
/// <see cref="ITuner.Propose"/> follows the paper's <c>get_job</c>: from the second-highest rung down, it promotes
/// the best configuration among the top <c>floor(n/eta)</c> of the n results in that rung that has not been promoted
/// yet, to the next rung, resuming from its trial (<see cref="TrialProposal.ResumeFrom"/>); if no rung has one, it
/// samples a new configuration uniformly and trains it to the bottom rung. Failed trials are never promoted. It never
/// finishes by itself; the experiment's budget ends it. Ties rank by trial id, so the same results in the same order
/// give the same proposals.</para>
/// </remarks>
public sealed class AshaTuner : Tuner
{
    private readonly AshaOptions options;
    private readonly SearchRandom random;
    private readonly long[] fidelities;
    private State state = new();

    /// <summary>Creates the tuner; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public AshaTuner(SearchSpace space, AshaOptions options)
        : base(space, (options ?? throw new ArgumentNullException(nameof(options))).Direction, options)
    {
        options.Validate();
        this.options = options;
        random = new SearchRandom(options.Seed, "asha");
        int top = AshaOptions.MaxRate(options.MinFidelity, options.MaxFidelity, options.ReductionFactor) - options.MinEarlyStoppingRate;
        fidelities = new long[top + 1];
        long f = options.MinFidelity;
        for (int i = 0; i < options.MinEarlyStoppingRate; i++) f *= options.ReductionFactor;
        for (int k = 0; k <= top; k++, f *= options.ReductionFactor) fidelities[k] = k == top ? options.MaxFidelity : f;
        for (int k = 0; k <= top; k++) state.Rungs.Add([]);
    }

    /// <summary>The fidelity of each rung, bottom first (the last is <see cref="AshaOptions.MaxFidelity"/>).</summary>
    public IReadOnlyList<long> RungFidelities => fidelities;

    /// <summary>Number of results recorded in each rung, bottom first.</summary>
    public IReadOnlyList<int> RungSizes => state.Rungs.Select(r => r.Count).ToArray();

    private protected override TrialProposal? ProposeCore(int id)
    {
        for (int k = fidelities.Length - 2; k >= 0; k--)
        {
            var rung = state.Rungs[k];
            int keep = rung.Count / options.ReductionFactor;
            var candidate = rung.Where(e => double.IsFinite(e.Loss))
                .OrderBy(e => e.Loss).ThenBy(e => e.Trial)
                .Take(keep)
                .FirstOrDefault(e => !e.Promoted);
            if (candidate is null) continue;
            candidate.Promoted = true;
            state.Running[id] = new Job(candidate.Configuration, k + 1);
            return new TrialProposal
            {
                Id = id,
                Parameters = state.Configurations[candidate.Configuration],
                Fidelity = fidelities[k + 1],
                ResumeFrom = candidate.Trial,
                StartFidelity = fidelities[k],
            };
        }
        var parameters = Space.FromUnitCube(random.NextPoint(Space.Dimension));
        state.Configurations.Add(parameters);
        state.Running[id] = new Job(state.Configurations.Count - 1, 0);
        return new TrialProposal { Id = id, Parameters = parameters, Fidelity = fidelities[0] };
    }

    private protected override void UpdateCore(TrialProposal proposal, TrialResult result, double loss)
    {
        if (!state.Running.Remove(proposal.Id, out var job))
            throw new InvalidOperationException($"ASHA has no record of running trial {proposal.Id}.");
        state.Rungs[job.Rung].Add(new Entry { Configuration = job.Configuration, Trial = proposal.Id, Loss = loss });
    }

    private protected override JsonNode CaptureState()
    {
        state.Random = random.State;
        return ToNode(state);
    }

    private protected override void RestoreState(JsonNode node)
    {
        var restored = FromNode<State>(node);
        if (restored.Rungs.Count != fidelities.Length)
            throw new ArgumentException($"The ASHA state has {restored.Rungs.Count} rungs; these options make {fidelities.Length}.");
        state = restored;
        random.State = restored.Random;
    }

    private sealed record Job(int Configuration, int Rung);

    private sealed class Entry
    {
        public int Configuration { get; set; }

        public int Trial { get; set; }

        public double Loss { get; set; }

        public bool Promoted { get; set; }
    }

    private sealed class State
    {
        public ulong Random { get; set; }

        public List<ParameterSet> Configurations { get; set; } = [];

        public List<List<Entry>> Rungs { get; set; } = [];

        public SortedDictionary<int, Job> Running { get; set; } = [];
    }
}
