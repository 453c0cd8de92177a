using System.Text;

namespace Plasticity.ML.Search.Space;

/// <summary>
/// The parameters a search explores, with AutoML's semantics: every parameter maps to a coordinate of the unit cube
/// and back (linear or log scale, integer ranges, choices as equal bins, booleans, nested options flattened into
/// dotted names), and every parameter has a default whose image is <see cref="DefaultPoint"/>.
/// </summary>
/// <remarks>
/// Build one from an options type annotated with search attributes (<see cref="FromType(Type)"/>; ML.NET's
/// <c>Microsoft.ML.SearchSpace</c> attributes and Plasticity.ML's own are read alike, by name), from an options
/// instance whose values become the defaults (<see cref="FromOptions{T}(T)"/>), or from parameters directly.
/// Parameters are ordered by name, segment by segment (ML.NET's order), and the unit cube has one coordinate per
/// parameter with <see cref="SearchParameter.Dimension"/> 1, in that order. <see cref="Apply{T}(T, ParameterSet)"/>
/// writes a parameter set into a copy of an options object.
/// </remarks>
public sealed class SearchSpace
{
    private readonly SearchParameter[] parameters;
    private readonly Dictionary<string, SearchParameter> byName;

    /// <summary>Creates a space; throws <see cref="ArgumentException"/> for a repeated name or a name nested under another parameter's name.</summary>
    public SearchSpace(IEnumerable<SearchParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        this.parameters = parameters.OrderBy(p => p.Name, ParameterNames.Comparer).ToArray();
        byName = new Dictionary<string, SearchParameter>(StringComparer.Ordinal);
        foreach (var p in this.parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!byName.TryAdd(p.Name, p)) throw new ArgumentException($"The search parameter \"{p.Name}\" appears twice.", nameof(parameters));
        }
        foreach (var p in this.parameters)
        {
            var parent = this.parameters.FirstOrDefault(q => p.Name.StartsWith(q.Name + ".", StringComparison.Ordinal));
            if (parent is not null)
                throw new ArgumentException($"The search parameter \"{p.Name}\" lies inside the parameter \"{parent.Name}\", which is a value, not nested options.", nameof(parameters));
        }
        Dimension = this.parameters.Sum(p => p.Dimension);
    }

    /// <summary>The space of an options type's search attributes (see <see cref="FromType(Type)"/>).</summary>
    public static SearchSpace For<T>() => FromType(typeof(T));

    /// <summary>
    /// The space of <paramref name="optionsType"/>'s search attributes: Range, Choice, BooleanChoice and NestOption on
    /// public instance properties and fields, from <c>Plasticity.ML.Search</c> or <c>Microsoft.ML.SearchSpace</c>.
    /// Defaults come from the attributes (without one: a range's minimum, a choice's first candidate, ML.NET's rule).
    /// Throws <see cref="ArgumentException"/> naming the member for an attribute that does not fit its member.
    /// </summary>
    public static SearchSpace FromType(Type optionsType) => new(SearchSpaceReader.Read(optionsType));

    /// <summary>
    /// The space of <typeparamref name="T"/>'s search attributes with the defaults taken from <paramref name="options"/>'s
    /// current values, so a local search starts from the options a user already has (see <see cref="WithDefaultsFrom"/>).
    /// </summary>
    public static SearchSpace FromOptions<T>(T options) where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        return FromType(options.GetType()).WithDefaultsFrom(options);
    }

    /// <summary>The parameters, ordered by name (segment by segment, ordinally).</summary>
    public IReadOnlyList<SearchParameter> Parameters => parameters;

    /// <summary>Number of unit-cube coordinates (parameters with a single candidate have none).</summary>
    public int Dimension { get; }

    /// <summary>The parameter named <paramref name="name"/>; throws <see cref="ArgumentException"/> naming it and the known names.</summary>
    public SearchParameter this[string name] => byName.TryGetValue(name, out var p) ? p : throw Unknown(name);

    /// <summary>True when the space has a parameter named <paramref name="name"/>.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>Every parameter at its default.</summary>
    public ParameterSet Default => new(parameters.Select(p => KeyValuePair.Create(p.Name, p.Default)));

    /// <summary>The unit-cube image of <see cref="Default"/>.</summary>
    public double[] DefaultPoint => ToUnitCube(Default);

    /// <summary>
    /// The parameter set at <paramref name="point"/> (one coordinate in [0, 1] per dimension); parameters without a
    /// coordinate take their single value. Throws <see cref="ArgumentException"/> for a wrong length or a coordinate outside [0, 1].
    /// </summary>
    public ParameterSet FromUnitCube(IReadOnlyList<double> point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.Count != Dimension)
            throw new ArgumentException($"A point of this search space has {Dimension} coordinates; got {point.Count}.", nameof(point));
        int next = 0;
        var values = new List<KeyValuePair<string, ParameterValue>>(parameters.Length);
        foreach (var p in parameters)
            values.Add(KeyValuePair.Create(p.Name, p.Dimension == 0 ? p.Default : p.FromUnit(point[next++])));
        return new ParameterSet(values);
    }

    /// <summary>
    /// The unit-cube point of <paramref name="parameters"/>, which must hold a valid value for every parameter with a
    /// coordinate. Throws <see cref="ArgumentException"/> naming an unknown, missing or invalid parameter.
    /// </summary>
    public double[] ToUnitCube(ParameterSet parameters)
    {
        Check(parameters);
        var point = new double[Dimension];
        int next = 0;
        foreach (var p in this.parameters)
        {
            if (p.Dimension == 0) continue;
            if (!parameters.TryGetValue(p.Name, out var value))
                throw new ArgumentException($"The parameter set has no value for \"{p.Name}\"; a point needs every parameter of the space.", nameof(parameters));
            point[next++] = p.ToUnit(value);
        }
        return point;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the parameter and the value when <paramref name="parameters"/>
    /// holds a name that is not in the space, or a value outside its parameter's domain. Missing names are allowed
    /// (they keep their options' values when applied).
    /// </summary>
    public void Check(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (name, value) in parameters)
        {
            if (!byName.TryGetValue(name, out var p)) throw Unknown(name);
            p.Check(value);
        }
    }

    /// <summary>
    /// A copy of <paramref name="options"/> with <paramref name="parameters"/> written into it (nested options copied
    /// along the way; the original is untouched). Records with init-only properties and mutable options classes both
    /// work. Throws <see cref="ArgumentException"/> naming the parameter for an unknown name, a value outside its domain,
    /// a member that cannot take it, or a null nested option.
    /// </summary>
    public T Apply<T>(T options, ParameterSet parameters) where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(parameters);
        return (T)OptionsWriter.Write(options, parameters);
    }

    /// <summary>
    /// The same space with every default taken from <paramref name="options"/>'s current values. Throws
    /// <see cref="ArgumentException"/> naming the parameter when a value lies outside its domain (remove the parameter
    /// with <see cref="Without"/> first if it should not be searched) or a nested option is null.
    /// </summary>
    public SearchSpace WithDefaultsFrom(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SearchSpace(parameters.Select(p =>
        {
            var value = OptionsWriter.Read(options, p.Name);
            if (!p.Contains(value))
                throw new ArgumentException($"Search parameter \"{p.Name}\": the options hold {value}, outside its domain, {p.Describe()}. Keep the option inside it, or remove the parameter with {nameof(Without)}(\"{p.Name}\") to leave it out of the search.");
            return p.WithDefault(value);
        }));
    }

    /// <summary>
    /// The space without the named parameters; a name of nested options (<c>Network.Head</c>) removes everything under it.
    /// Throws <see cref="ArgumentException"/> for a name that matches nothing.
    /// </summary>
    public SearchSpace Without(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var keep = parameters.ToList();
        foreach (var name in names)
        {
            int removed = keep.RemoveAll(p => p.Name == name || p.Name.StartsWith(name + ".", StringComparison.Ordinal));
            if (removed == 0) throw Unknown(name);
        }
        return new SearchSpace(keep);
    }

    /// <summary>A one-line-per-parameter description; two spaces with equal descriptions search alike.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var p in parameters) text.AppendLine(p.ToString());
        return text.ToString();
    }

    private ArgumentException Unknown(string name) =>
        new($"The search space has no parameter \"{name}\"; it has {ParameterSet.Describe(parameters.Select(p => p.Name))}.");
}
