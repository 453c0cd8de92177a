using Plasticity.ML.Data;

namespace Plasticity.ML.Experiments;

/// <summary>Which images an experiment uses.</summary>
public sealed record DataSpec
{
    /// <summary>"embedded" (the 10,000-image Fashion-MNIST test split inside the library), "system"
    /// (<see cref="FashionMnist.SystemFolder"/>), or a folder of MNIST-format IDX files.</summary>
    public string Source { get; init; } = "embedded";

    /// <summary>Number of images drawn from the source; 0 uses all.</summary>
    public int Samples { get; init; } = 2000;

    /// <summary>Seed of the subset choice.</summary>
    public long Seed { get; init; }

    /// <summary>Loads the images.</summary>
    public ImageDataset Load()
    {
        if (Samples < 0) throw new ArgumentException($"{nameof(Samples)} must be non-negative; got {Samples}.");
        var all = FashionMnist.Load(Source);
        return Samples == 0 || Samples >= all.Count ? all : all.Subset(Samples, Seed);
    }
}
