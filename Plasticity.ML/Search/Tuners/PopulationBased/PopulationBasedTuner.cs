using System.Text.Json.Nodes;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners.PopulationBased;

/// <summary>
/// Population-based training (PBT; Jaderberg et al., "Population Based Training of Neural Networks", 2017): a
/// population trains side by side, and at every interval the worst members copy a better member's weights and
/// optimizer state (exploit) and perturb its settings (explore). The settings thus follow a schedule found while
/// training, which suits nonstationary data, where the best settings change over time.
/// </summary>
/// <remarks>
/// <para>The population moves in generations: generation g trains every member to fidelity
/// <c>min((g+1)·Interval, MaxFidelity)</c>, and decisions wait until every member has reported, so they do not
/// depend on which worker finished first (the same seed and results give the same proposals however many run at
/// once). Then members are ranked by metric (failed members last, ties by member index); every member in the bottom
/// quantile, and every member whose trial failed, exploits a member drawn uniformly from the top quantile: its next
/// trial resumes from that member's last trial (<see cref="TrialProposal.ResumeFrom"/>, the exploit source) with that
/// member's parameters explored: each parameter is resampled from its whole domain with
/// <see cref="PopulationBasedOptions.ResampleProbability"/>, else a range is multiplied by one of
/// <see cref="PopulationBasedOptions.PerturbationFactors"/> (clamped, integers rounded) and a choice moves to a
/// neighbouring candidate. The other members resume from their own last trial with their own parameters. If no
/// member of the top quantile has a result (all failed), an exploiting member restarts from scratch with fresh random
/// parameters. The tuner only decides; the experiment copies the checkpoints.</para>
/// </remarks>
public sealed class PopulationBasedTuner : Tuner
{
    private readonly PopulationBasedOptions options;
    private readonly SearchRandom random;
    private State state = new();

    /// <summary>Creates the tuner and its first generation; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public PopulationBasedTuner(SearchSpace space, PopulationBasedOptions options)
        : base(space, (options ?? throw new ArgumentNullException(nameof(options))).Direction, options)
    {
        options.Validate();
        this.options = options;
        random = new SearchRandom(options.Seed, "population-based");
        long target = Math.Min(options.Interval, options.MaxFidelity);
        for (int m = 0; m < options.PopulationSize; m++)
        {
            var parameters = m == 0 && options.IncludeDefault ? space.Default : space.FromUnitCube(random.NextPoint(space.Dimension));
            state.Members.Add(new Member { Parameters = parameters });
            state.Ready.Add(new Plan { Member = m, Parameters = parameters, Fidelity = target });
        }
    }

    /// <summary>The generation being trained (0 first).</summary>
    public int Generation => state.Generation;

    /// <summary>Each member's current parameters, by member index.</summary>
    public IReadOnlyList<ParameterSet> Population => state.Members.Select(m => m.Parameters).ToArray();

    /// <summary>The number of exploit decisions made so far (a member copying another's checkpoint).</summary>
    public int Exploits => state.Exploits;

    private protected override TrialProposal? ProposeCore(int id)
    {
        if (state.Ready.Count == 0) return null;
        var plan = state.Ready[0];
        state.Ready.RemoveAt(0);
        state.Running[id] = plan.Member;
        return new TrialProposal
        {
            Id = id,
            Parameters = plan.Parameters,
            Fidelity = plan.Fidelity,
            ResumeFrom = plan.ResumeFrom,
            StartFidelity = plan.StartFidelity,
        };
    }

    private protected override void UpdateCore(TrialProposal proposal, TrialResult result, double loss)
    {
        if (!state.Running.Remove(proposal.Id, out int m))
            throw new InvalidOperationException($"PBT has no record of running trial {proposal.Id}.");
        var member = state.Members[m];
        member.Parameters = proposal.Parameters;
        member.LastTrial = proposal.Id;
        member.Loss = loss;
        member.Fidelity = proposal.Fidelity ?? options.MaxFidelity;
        if (state.Running.Count > 0 || state.Ready.Count > 0) return;
        if (state.Members.All(x => x.Fidelity >= options.MaxFidelity)) return;
        NextGeneration();
    }

    private protected override JsonNode CaptureState()
    {
        state.Random = random.State;
        return ToNode(state);
    }

    private protected override void RestoreState(JsonNode node)
    {
        var restored = FromNode<State>(node);
        if (restored.Members.Count != options.PopulationSize)
            throw new ArgumentException($"The PBT state has {restored.Members.Count} members; {nameof(PopulationBasedOptions.PopulationSize)} is {options.PopulationSize}.");
        state = restored;
        random.State = restored.Random;
    }

    private void NextGeneration()
    {
        state.Generation++;
        long target = Math.Min((state.Generation + 1) * options.Interval, options.MaxFidelity);
        int n = state.Members.Count;
        int quantile = Math.Min(n / 2, Math.Max(1, (int)Math.Ceiling(n * options.Quantile)));
        var ranked = Enumerable.Range(0, n).OrderBy(i => state.Members[i].Loss).ThenBy(i => i).ToArray();
        var top = ranked.Take(quantile).Where(i => double.IsFinite(state.Members[i].Loss)).ToArray();
        var bottom = ranked.Skip(n - quantile).ToHashSet();
        for (int m = 0; m < n; m++)
        {
            var member = state.Members[m];
            bool exploit = bottom.Contains(m) || !double.IsFinite(member.Loss);
            Plan plan;
            if (!exploit)
            {
                plan = new Plan { Member = m, Parameters = member.Parameters, ResumeFrom = member.LastTrial, StartFidelity = member.Fidelity, Fidelity = target };
            }
            else if (top.Length == 0)
            {
                plan = new Plan { Member = m, Parameters = Space.FromUnitCube(random.NextPoint(Space.Dimension)), Fidelity = target };
            }
            else
            {
                var source = state.Members[top[random.Next(top.Length)]];
                plan = new Plan { Member = m, Parameters = Explore(source.Parameters), ResumeFrom = source.LastTrial, StartFidelity = source.Fidelity, Fidelity = target };
                state.Exploits++;
            }
            member.Parameters = plan.Parameters;
            state.Ready.Add(plan);
        }
    }

    private ParameterSet Explore(ParameterSet parameters)
    {
        var explored = new List<KeyValuePair<string, ParameterValue>>();
        foreach (var p in Space.Parameters)
        {
            var value = parameters[p.Name];
            if (p.Dimension > 0)
            {
                if (random.NextDouble() < options.ResampleProbability)
                {
                    value = p.FromUnit(random.NextDouble());
                }
                else if (p is RangeParameter range)
                {
                    value = range.Scale(value, options.PerturbationFactors[random.Next(options.PerturbationFactors.Count)]);
                }
                else if (p is ChoiceParameter choice)
                {
                    int index = choice.IndexOf(value) + (random.Next(2) == 0 ? -1 : 1);
                    value = choice.Choices[Math.Clamp(index, 0, choice.Choices.Count - 1)];
                }
            }
            explored.Add(KeyValuePair.Create(p.Name, value));
        }
        return new ParameterSet(explored);
    }

    private sealed class Member
    {
        public required ParameterSet Parameters { get; set; }

        public int? LastTrial { get; set; }

        public double Loss { get; set; } = double.PositiveInfinity;

        public long Fidelity { get; set; }
    }

    private sealed class Plan
    {
        public int Member { get; set; }

        public required ParameterSet Parameters { get; set; }

        public int? ResumeFrom { get; set; }

        public long StartFidelity { get; set; }

        public long Fidelity { get; set; }
    }

    private sealed class State
    {
        public ulong Random { get; set; }

        public int Generation { get; set; }

        public int Exploits { get; set; }

        public List<Member> Members { get; set; } = [];

        public List<Plan> Ready { get; set; } = [];

        public SortedDictionary<int, int> Running { get; set; } = [];
    }
}
