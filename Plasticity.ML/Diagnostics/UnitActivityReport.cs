namespace Plasticity.ML.Diagnostics;

/// <summary>Unit counts of one hidden layer (a convolution channel is one unit).</summary>
public sealed record LayerUnitActivity
{
    /// <summary>Index of the hidden layer.</summary>
    public int Layer { get; init; }

    /// <summary>Number of units.</summary>
    public int Units { get; init; }

    /// <summary>Units whose activation is exactly 0 on every sample (and every position of a channel).</summary>
    public int Dead { get; init; }

    /// <summary>Units whose pre-activation is &gt; 0 on every sample and position: a ReLU that acts as the identity.</summary>
    public int Linearized { get; init; }

    /// <summary>For each tau of the report, the units whose ReDo score is &lt;= tau.</summary>
    public required int[] Dormant { get; init; }

    /// <summary>The ReDo score of each unit: E|h_i| divided by the layer's mean of E|h_k|.</summary>
    public required double[] DormancyScores { get; init; }

    /// <summary>Number of outputs: <see cref="Units"/> times the outputs per unit of the activation (2 for CReLU and Fourier features).</summary>
    public int Outputs { get; init; }

    /// <summary>The fraction of samples (and positions) on which an output is non-zero, averaged over the layer's outputs.</summary>
    public double ActiveFraction { get; init; }
}

/// <summary>Dead, tau-dormant and linearized units per hidden layer and in total (PAPER.md §7.1-7.3).</summary>
public sealed record UnitActivityReport
{
    /// <summary>The dormancy thresholds, in the order of <see cref="LayerUnitActivity.Dormant"/>.</summary>
    public required double[] Taus { get; init; }

    /// <summary>Number of samples measured.</summary>
    public int Samples { get; init; }

    /// <summary>Per hidden layer.</summary>
    public required IReadOnlyList<LayerUnitActivity> Layers { get; init; }

    /// <summary>Units over all hidden layers.</summary>
    public int TotalUnits => Layers.Sum(l => l.Units);

    /// <summary>Fraction of all hidden units that are dead.</summary>
    public double DeadFraction => Fraction(Layers.Sum(l => l.Dead));

    /// <summary>Fraction of all hidden units that are linearized.</summary>
    public double LinearizedFraction => Fraction(Layers.Sum(l => l.Linearized));

    /// <summary>The active fraction averaged over all hidden outputs of all layers (each output counts once).</summary>
    public double ActiveFraction
    {
        get
        {
            int outputs = Layers.Sum(l => l.Outputs);
            return outputs == 0 ? 0 : Layers.Sum(l => l.ActiveFraction * l.Outputs) / outputs;
        }
    }

    /// <summary>Fraction of all hidden units that are dormant at the tau with index <paramref name="tauIndex"/>.</summary>
    public double DormantFraction(int tauIndex) => Fraction(Layers.Sum(l => l.Dormant[tauIndex]));

    private double Fraction(int count) => TotalUnits == 0 ? 0 : (double)count / TotalUnits;
}
