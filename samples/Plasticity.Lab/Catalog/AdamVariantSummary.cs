using Plasticity.ML.Experiments;

namespace Plasticity.Lab.Catalog;

/// <summary>One variant of the <c>adam</c> experiment in <c>summary.json</c> (section "adam").</summary>
public sealed record AdamVariantSummary
{
    /// <summary>Variant name.</summary>
    public required string Name { get; init; }

    /// <summary>Adam's β₂.</summary>
    public double Beta2 { get; init; }

    /// <summary>Adam's ε outside the square root.</summary>
    public double Epsilon { get; init; }

    /// <summary>Adam's ε̄ inside the square root (0 for none).</summary>
    public double EpsilonInsideSqrt { get; init; }

    /// <summary>Seeds.</summary>
    public int Seeds { get; init; }

    /// <summary>Dead-unit fraction after each task (0 = the initial network), mean and std over seeds.</summary>
    public required IReadOnlyList<TaskPoint> DeadFraction { get; init; }

    /// <summary>Training accuracy at the end of each task (1 = the first task).</summary>
    public required IReadOnlyList<TaskPoint> FinalAccuracy { get; init; }

    /// <summary>Gradient norm of the training loss after each task.</summary>
    public required IReadOnlyList<TaskPoint> GradientNorm { get; init; }

    /// <summary>The largest dead-unit fraction of a run, over seeds.</summary>
    public MeanStd MaxDeadFraction { get; init; } = new(double.NaN, double.NaN);

    /// <summary>The dead-unit fraction after the last task.</summary>
    public MeanStd LastDeadFraction { get; init; } = new(double.NaN, double.NaN);

    /// <summary>Mean end-of-task accuracy over the tasks after the first switch (tasks 2..T).</summary>
    public MeanStd MeanAccuracyAfterFirstSwitch { get; init; } = new(double.NaN, double.NaN);
}

/// <summary>A value after some number of completed tasks, mean and std over seeds.</summary>
public sealed record TaskPoint
{
    /// <summary>Tasks completed (0 = the initial network).</summary>
    public int TasksCompleted { get; init; }

    /// <summary>Mean over seeds.</summary>
    public double Mean { get; init; }

    /// <summary>Sample standard deviation over seeds (0 for one seed).</summary>
    public double Std { get; init; }
}
