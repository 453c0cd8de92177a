namespace Plasticity.ML.Diagnostics;

/// <summary>Norms and rank of one parameter layer (hidden layers, then the output layer).</summary>
public sealed record LayerWeightStatistics
{
    /// <summary>Index in <see cref="Networks.PlasticNetwork.ParameterLayers"/>.</summary>
    public int Layer { get; init; }

    /// <summary>L2 norm of all the layer's parameters (weight, bias, normalization gain and shift).</summary>
    public double L2Norm { get; init; }

    /// <summary>Mean |w| over all the layer's parameters.</summary>
    public double MeanAbsolute { get; init; }

    /// <summary>Ranks of the weight matrix (a convolution kernel as [out, in*k*k]).</summary>
    public required RankSummary WeightRank { get; init; }
}

/// <summary>Parameter norms of a whole network and per layer (PAPER.md §3, §8.4).</summary>
public sealed record WeightReport
{
    /// <summary>||theta||_2 over all parameters.</summary>
    public double L2Norm { get; init; }

    /// <summary>Mean |theta_i| over all parameters.</summary>
    public double MeanAbsolute { get; init; }

    /// <summary>Number of scalar parameters.</summary>
    public long ParameterCount { get; init; }

    /// <summary>Per parameter layer.</summary>
    public required IReadOnlyList<LayerWeightStatistics> Layers { get; init; }
}
