using System.Text.Json.Nodes;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners.CostFrugal;

/// <summary>
/// Cost-frugal optimization (CFO; Wu, Wang and Huang, "Frugal Optimization for Cost-related Hyperparameters",
/// AAAI 2021): FLOW2's randomized local search in the unit cube, started from the defaults, with random restarts.
/// </summary>
/// <remarks>
/// <para>The first trial is the start point (the space's defaults unless <see cref="CostFrugalOptions.Start"/> says
/// otherwise): defaults are the cheap configuration by design (narrow, few steps), and the search moves away from them
/// only as far as improvements lead, which is what keeps the total cost low. From the incumbent, FLOW2 draws a
/// direction <c>u</c> uniformly on the unit sphere and tries <c>x + step·u</c>, then, if that is no better,
/// <c>x - step·u</c>. An improvement moves the incumbent and grows the step by <see cref="CostFrugalOptions.StepFactor"/>
/// (capped at the cube's diagonal <c>sqrt(d)</c>); after <c>2d</c> non-improving trials the step shrinks by the same
/// factor, and then again after every further two (ML.NET's <c>Flow2</c>, FLAML's <c>FLOW2</c>). A step below
/// <see cref="CostFrugalOptions.StepLowerBound"/> means the search has converged: it restarts from a point drawn
/// uniformly in the box spanned by every configuration evaluated so far (ML.NET's admissible region), or in the whole
/// cube when that box is a single point; a draw that rounds to the converged incumbent is drawn again.</para>
/// <para>A proposal that rounds back to the incumbent (integer ranges and choices) is not run: before the first
/// shrink it grows the step instead (FLAML's initial phase), afterwards it counts as a failure at no cost. Up to
/// <c>2d</c> proposals may run at once; more wait for results. Failed trials count as no improvement. Costs (trial
/// seconds) are accumulated in <see cref="TotalCost"/> but, as in ML.NET's <c>CostFrugalTuner</c>, do not steer the
/// search: the frugality comes from the start point and the local moves.</para>
/// </remarks>
public sealed class CostFrugalTuner : Tuner
{
    private const int MaxAttemptsPerProposal = 1000;
    private const int MaxRestartDraws = 100;
    private readonly CostFrugalOptions options;
    private readonly SearchRandom random;
    private readonly int dimension;
    private readonly double initialStep;
    private readonly double maxStep;
    private State state;

    /// <summary>Creates the tuner; throws <see cref="ArgumentException"/> for bad options or a start point that is not a complete, valid point of the space.</summary>
    public CostFrugalTuner(SearchSpace space, CostFrugalOptions options)
        : base(space, (options ?? throw new ArgumentNullException(nameof(options))).Direction, options)
    {
        options.Validate();
        this.options = options;
        random = new SearchRandom(options.Seed, "cost-frugal");
        dimension = space.Dimension;
        maxStep = Math.Sqrt(dimension);
        initialStep = options.InitialStep * maxStep;
        var start = options.Start ?? space.Default;
        space.ToUnitCube(start);
        // A start set may omit the constants (parameters with one candidate); the proposal holds every parameter.
        state = new State
        {
            StartParameters = new ParameterSet(space.Parameters.Select(p =>
                KeyValuePair.Create(p.Name, start.TryGetValue(p.Name, out var v) ? v : p.Default))),
        };
        ResetLocalSearch();
    }

    /// <summary>How many times the local search has converged and restarted.</summary>
    public int Restarts => state.Thread;

    /// <summary>The current local search's best configuration, or null before its start point reports.</summary>
    public ParameterSet? Incumbent => state.Started ? state.IncumbentParameters : null;

    /// <summary>The current step length in the unit cube.</summary>
    public double Step => state.Step;

    /// <summary>The summed cost (seconds) of every reported trial.</summary>
    public double TotalCost => state.TotalCost;

    private protected override TrialProposal? ProposeCore(int id)
    {
        if (!state.Started) return state.StartTrial is null ? ProposeStart(id) : null;
        if (dimension == 0) return null;
        if (state.TrialThread.Count(kv => kv.Value == state.Thread) >= 2 * dimension) return null;
        for (int attempt = 0; attempt < MaxAttemptsPerProposal; attempt++)
        {
            bool mirrored = state.Direction is not null;
            double[] move = new double[dimension];
            if (mirrored)
            {
                for (int i = 0; i < dimension; i++) move[i] = state.Incumbent[i] - state.Direction![i];
                state.Direction = null;
            }
            else
            {
                state.Direction = RandomDirection(state.Step);
                for (int i = 0; i < dimension; i++) move[i] = state.Incumbent[i] + state.Direction[i];
            }
            for (int i = 0; i < dimension; i++) move[i] = Math.Clamp(move[i], 0, 1);
            var parameters = Space.FromUnitCube(move);
            if (!parameters.Equals(state.IncumbentParameters))
            {
                state.TrialThread[id] = state.Thread;
                return new TrialProposal { Id = id, Parameters = parameters };
            }
            if (!mirrored && state.InitialPhase && state.Step < maxStep)
            {
                state.Step = Math.Min(state.Step * options.StepFactor, maxStep);
                state.Direction = null;
                continue;
            }
            if (RecordFailure()) return ProposeStart(id);
        }
        Restart();
        return ProposeStart(id);
    }

    private protected override void UpdateCore(TrialProposal proposal, TrialResult result, double loss)
    {
        state.TotalCost += result.Cost;
        double[] point = Space.ToUnitCube(proposal.Parameters);
        if (result.Status == TrialStatus.Completed) Expand(point);
        if (!state.TrialThread.Remove(proposal.Id, out int thread) || thread != state.Thread) return;
        if (proposal.Id == state.StartTrial)
        {
            state.Started = true;
            state.StartTrial = null;
            state.Incumbent = point;
            state.IncumbentParameters = proposal.Parameters;
            state.IncumbentLoss = loss;
            return;
        }
        if (loss < state.IncumbentLoss)
        {
            state.Incumbent = point;
            state.IncumbentParameters = proposal.Parameters;
            state.IncumbentLoss = loss;
            state.Step = Math.Min(state.Step * options.StepFactor, maxStep);
            state.Failures = 0;
            state.FailureLimit = 2 * dimension;
            state.Direction = null;
            return;
        }
        RecordFailure();
    }

    private protected override JsonNode CaptureState()
    {
        state.Random = random.State;
        return ToNode(state);
    }

    private protected override void RestoreState(JsonNode node)
    {
        var restored = FromNode<State>(node);
        state = restored;
        random.State = restored.Random;
    }

    private TrialProposal ProposeStart(int id)
    {
        state.StartTrial = id;
        state.TrialThread[id] = state.Thread;
        return new TrialProposal { Id = id, Parameters = state.StartParameters };
    }

    /// <summary>Counts a non-improving probe; shrinks the step after enough of them; restarts when converged (returns true).</summary>
    private bool RecordFailure()
    {
        if (++state.Failures < state.FailureLimit) return false;
        state.Failures = 0;
        state.FailureLimit = 2;
        state.InitialPhase = false;
        state.Step /= options.StepFactor;
        if (state.Step >= options.StepLowerBound) return false;
        Restart();
        return true;
    }

    private void Restart()
    {
        state.Thread++;
        var converged = state.IncumbentParameters;
        bool box = state.BoxMin is { } min && state.BoxMax is { } max && Enumerable.Range(0, dimension).Any(i => max[i] > min[i]);
        ParameterSet start;
        int attempt = 0;
        do
        {
            // Half the attempts in the box, then the whole cube: a small discrete box may hold little but the old incumbent.
            double[] point = random.NextPoint(dimension);
            if (box && attempt < MaxRestartDraws / 2)
                for (int i = 0; i < dimension; i++) point[i] = state.BoxMin![i] + (state.BoxMax![i] - state.BoxMin[i]) * point[i];
            start = Space.FromUnitCube(point);
        }
        while (start.Equals(converged) && ++attempt < MaxRestartDraws);
        state.StartParameters = start;
        state.Started = false;
        state.StartTrial = null;
        ResetLocalSearch();
    }

    private void ResetLocalSearch()
    {
        state.Step = initialStep;
        state.Direction = null;
        state.Failures = 0;
        state.FailureLimit = 2 * dimension;
        state.InitialPhase = true;
        state.IncumbentParameters = null;
        state.IncumbentLoss = double.PositiveInfinity;
    }

    private double[] RandomDirection(double length)
    {
        var u = new double[dimension];
        double norm;
        do
        {
            for (int i = 0; i < dimension; i++) u[i] = random.NextGaussian();
            norm = Math.Sqrt(u.Sum(x => x * x));
        }
        while (norm == 0);
        for (int i = 0; i < dimension; i++) u[i] *= length / norm;
        return u;
    }

    private void Expand(double[] point)
    {
        if (state.BoxMin is null || state.BoxMax is null)
        {
            state.BoxMin = (double[])point.Clone();
            state.BoxMax = (double[])point.Clone();
            return;
        }
        for (int i = 0; i < dimension; i++)
        {
            state.BoxMin[i] = Math.Min(state.BoxMin[i], point[i]);
            state.BoxMax[i] = Math.Max(state.BoxMax[i], point[i]);
        }
    }

    // Everything that decides the next proposal; exported whole (Random is the stream's position at export).
    private sealed class State
    {
        public ulong Random { get; set; }

        public int Thread { get; set; }

        public required ParameterSet StartParameters { get; set; }

        public int? StartTrial { get; set; }

        public bool Started { get; set; }

        public double[] Incumbent { get; set; } = [];

        public ParameterSet? IncumbentParameters { get; set; }

        public double IncumbentLoss { get; set; } = double.PositiveInfinity;

        public double Step { get; set; }

        public double[]? Direction { get; set; }

        public int Failures { get; set; }

        public int FailureLimit { get; set; }

        public bool InitialPhase { get; set; }

        public SortedDictionary<int, int> TrialThread { get; set; } = [];

        public double[]? BoxMin { get; set; }

        public double[]? BoxMax { get; set; }

        public double TotalCost { get; set; }
    }
}
