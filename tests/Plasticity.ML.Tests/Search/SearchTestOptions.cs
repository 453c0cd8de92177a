using Plasticity.ML.Search;

namespace Plasticity.ML.Tests.Search;

public enum TestColor
{
    Red,
    Green,
    Blue,
}

/// <summary>A record annotated with the core's attributes, with init-only properties and a nested record.</summary>
public sealed record CoreAnnotatedOptions
{
    [Range(1e-4, 1e-1, 1e-2, logBase: true)]
    public double Rate { get; init; } = 1e-2;

    [Range(1, 9, 3)]
    public int Depth { get; init; } = 3;

    [Choice(new object[] { TestColor.Red, TestColor.Green, TestColor.Blue }, TestColor.Green)]
    public TestColor Color { get; init; } = TestColor.Green;

    [BooleanChoice(false)]
    public bool Shuffle { get; init; }

    [NestOption]
    public CoreInnerOptions Inner { get; init; } = new();

    [Range(8, 64, 16, logBase: true)]
    public int[] Widths { get; init; } = [16, 16, 16];

    public string NotSearched { get; init; } = "kept";
}

public sealed record CoreInnerOptions
{
    [Range(0.0, 1.0, 0.5)]
    public double Alpha { get; init; } = 0.5;

    [Choice("adam", "sgd")]
    public string Solver { get; init; } = "adam";
}

/// <summary>The same options as <see cref="CoreAnnotatedOptions"/>, ML.NET style: a mutable class with public fields
/// carrying (stand-ins of) ML.NET's attributes.</summary>
public sealed class MlNetAnnotatedOptions
{
    [Microsoft.ML.SearchSpace.Range(1e-4, 1e-1, 1e-2, logBase: true)]
    public double Rate = 1e-2;

    [Microsoft.ML.SearchSpace.Range(1, 9, 3)]
    public int Depth = 3;

    [Microsoft.ML.SearchSpace.Choice(new object[] { TestColor.Red, TestColor.Green, TestColor.Blue }, TestColor.Green)]
    public TestColor Color = TestColor.Green;

    [Microsoft.ML.SearchSpace.BooleanChoice(false)]
    public bool Shuffle;

    [Microsoft.ML.SearchSpace.NestOption]
    public MlNetInnerOptions Inner = new();

    [Microsoft.ML.SearchSpace.Range(8, 64, 16, logBase: true)]
    public int[] Widths = [16, 16, 16];

    public string NotSearched = "kept";
}

public sealed class MlNetInnerOptions
{
    [Microsoft.ML.SearchSpace.Range(0.0, 1.0, 0.5)]
    public double Alpha { get; set; } = 0.5;

    [Microsoft.ML.SearchSpace.Choice("adam", "sgd")]
    public string Solver { get; set; } = "adam";
}

/// <summary>A Range from another namespace (DataAnnotations) must not be taken for a search attribute.</summary>
public sealed class ForeignRangeOptions
{
    [System.ComponentModel.DataAnnotations.Range(0.0, 1.0)]
    public double Validated { get; set; }

    [Range(0.0, 1.0)]
    public double Searched { get; set; }
}
