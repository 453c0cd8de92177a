using System.Text.Json.Nodes;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners;

/// <summary>
/// Grid search: the Cartesian product of a few values per parameter, proposed in order (the last parameter by name
/// varies fastest). Results do not steer it; once every point has been proposed, <see cref="ITuner.Propose"/> returns
/// null. Unlike ML.NET's grid, a range's points include its maximum, and the grid does not start over.
/// </summary>
public sealed class GridSearchTuner : Tuner
{
    private readonly ParameterValue[][] axes;
    private long next;

    /// <summary>
    /// Creates the tuner. Throws <see cref="ArgumentException"/> for <see cref="GridSearchOptions.PointsPerRange"/> below 1,
    /// explicit values for a parameter the space does not have, no, repeated or out-of-domain values, or a grid of more
    /// than <see cref="long.MaxValue"/> points.
    /// </summary>
    public GridSearchTuner(SearchSpace space, GridSearchOptions options)
        : base(space, (options ?? throw new ArgumentNullException(nameof(options))).Direction, options)
    {
        if (options.PointsPerRange < 1)
            throw new ArgumentException($"{nameof(GridSearchOptions.PointsPerRange)} must be at least 1; got {options.PointsPerRange}.", nameof(options));
        ArgumentNullException.ThrowIfNull(options.Values, nameof(options.Values));
        foreach (var (name, values) in options.Values)
        {
            if (!space.Contains(name))
                throw new ArgumentException($"The grid gives values for \"{name}\", which is not a parameter of the search space; it has {ParameterSet.Describe(space.Parameters.Select(p => p.Name))}.", nameof(options));
            if (values is null || values.Count == 0) throw new ArgumentException($"The grid gives no values for \"{name}\".", nameof(options));
            foreach (var v in values) space[name].Check(v);
            if (values.Distinct().Count() != values.Count) throw new ArgumentException($"The grid repeats a value for \"{name}\": [{string.Join(", ", values)}].", nameof(options));
        }
        axes = space.Parameters.Select(p => options.Values.TryGetValue(p.Name, out var given) ? given.ToArray() : Axis(p, options.PointsPerRange)).ToArray();
        long size = 1;
        foreach (var axis in axes)
        {
            try
            {
                size = checked(size * axis.Length);
            }
            catch (OverflowException)
            {
                throw new ArgumentException("The grid has more than long.MaxValue points; give fewer values.", nameof(options));
            }
        }
        Size = size;
    }

    /// <summary>Number of points in the grid.</summary>
    public long Size { get; }

    /// <summary>The values the grid takes for each parameter, in the order of <see cref="SearchSpace.Parameters"/>.</summary>
    public IReadOnlyList<IReadOnlyList<ParameterValue>> Axes => axes;

    private protected override TrialProposal? ProposeCore(int id)
    {
        if (next >= Size) return null;
        long index = next++;
        var values = new KeyValuePair<string, ParameterValue>[axes.Length];
        for (int i = axes.Length - 1; i >= 0; i--)
        {
            values[i] = KeyValuePair.Create(Space.Parameters[i].Name, axes[i][index % axes[i].Length]);
            index /= axes[i].Length;
        }
        return new TrialProposal { Id = id, Parameters = new ParameterSet(values) };
    }

    private protected override void UpdateCore(TrialProposal proposal, TrialResult result, double loss)
    {
    }

    private protected override JsonNode CaptureState() => ToNode(new State(next));

    private protected override void RestoreState(JsonNode state) => next = FromNode<State>(state).Next;

    private static ParameterValue[] Axis(SearchParameter parameter, int points) => parameter switch
    {
        ChoiceParameter choice => [.. choice.Choices],
        _ when points == 1 => [parameter.Default],
        RangeParameter range => Enumerable.Range(0, points)
            .Select(i => range.FromUnit(EndpointUnit(range, (double)i / (points - 1))))
            .Distinct().ToArray(),
        _ => throw new NotSupportedException(parameter.GetType().Name),
    };

    // An integer range's unit interval runs from Min - 0.5 to Max + 0.5; the grid's ends are Min and Max themselves.
    private static double EndpointUnit(RangeParameter range, double fraction) =>
        range.IsInteger
            ? range.ToUnit(ParameterValue.FromNumber(range.Min)) + fraction * (range.ToUnit(ParameterValue.FromNumber(range.Max)) - range.ToUnit(ParameterValue.FromNumber(range.Min)))
            : fraction;

    private sealed record State(long Next);
}
