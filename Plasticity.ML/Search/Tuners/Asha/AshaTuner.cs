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
/// <see cref="AshaOptions.ReductionFactor"/>, s: <see cref="AshaOptions.MinEarlyStoppingRate"/>) for every such
/// fidelity up to <see cref="AshaOptions.MaxFidelity"/> R, and the top rung trains to R exactly: when R is not a power
/// of eta times r, it replaces the largest power if it lies less than <c>sqrt(eta)</c> above it (r = 1, R = 10, eta = 3:
/// rungs 1, 3, 10) and becomes a rung of its own otherwise (r = 2, R = 100, eta = 4: rungs 2, 8, 32, 100). Each call to
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
        fidelities = Rungs(options);
        for (int k = 0; k < fidelities.Length; k++) state.Rungs.Add([]);
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

    /// <summary>The rung fidelities: <c>r·eta^(s+k)</c> up to R, with R on top (see the class remarks).</summary>
    private static long[] Rungs(AshaOptions options)
    {
        int powers = AshaOptions.MaxRate(options.MinFidelity, options.MaxFidelity, options.ReductionFactor) - options.MinEarlyStoppingRate;
        var rungs = new List<long>();
        long f = options.MinFidelity;
        for (int i = 0; i < options.MinEarlyStoppingRate; i++) f *= options.ReductionFactor;
        for (int k = 0; k <= powers; k++, f *= options.ReductionFactor) rungs.Add(f);
        // R tops the rungs: it replaces the last power when it lies less than sqrt(eta) above it, else it follows it,
        // so the last step up is a factor between sqrt(eta) and eta^1.5 (exactly eta when R is a power step).
        if ((double)options.MaxFidelity / rungs[^1] >= Math.Sqrt(options.ReductionFactor)) rungs.Add(options.MaxFidelity);
        else rungs[^1] = options.MaxFidelity;
        return [.. rungs];
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
