using Plasticity.ML.Data;

namespace Plasticity.ML.Tasks.Streams;

/// <summary>
/// A drifting image stream, described by a few numbers so that any process can rebuild it from the images alone:
/// <see cref="Windows"/> windows of <see cref="ImagesPerWindow"/> distinct images each, whose labels drift. In the
/// first <see cref="PermutedWindows"/> windows the classes are permuted anew every <see cref="PermuteEvery"/> windows
/// (sudden drift); after that, starting from the true labels, a further <see cref="RelabelFraction"/> of the labels is
/// redrawn every window (gradual drift). With the defaults and <c>ImagesPerWindow = 450</c> this is exactly the stream
/// of <c>samples/DriftRetraining</c> (its windows before the split into training and test images).
/// </summary>
public sealed record DriftingStreamSpec
{
    /// <summary>The images: "embedded" (the Fashion-MNIST test split inside the library), "system" or a folder of IDX files.</summary>
    public string Source { get; init; } = "embedded";

    /// <summary>Number of windows.</summary>
    public int Windows { get; init; } = 8;

    /// <summary>Images per window (each image appears in one window only).</summary>
    public int ImagesPerWindow { get; init; } = 300;

    /// <summary>Seed of the image choice (this seed), the class permutations (seed + 1) and the relabelling (seed + 2).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Windows with permuted classes at the start of the stream; null for half of them.</summary>
    public int? PermutedWindows { get; init; }

    /// <summary>Windows that share one class permutation.</summary>
    public int PermuteEvery { get; init; } = 2;

    /// <summary>Fraction of the labels redrawn per window after the permuted windows.</summary>
    public double RelabelFraction { get; init; } = 0.2;

    /// <summary>Checks the spec and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Source)) throw new ArgumentException($"{nameof(Source)} must name the images (\"embedded\", \"system\" or a folder).");
        if (Windows < 1) throw new ArgumentException($"{nameof(Windows)} must be at least 1; got {Windows}.");
        if (ImagesPerWindow < 1) throw new ArgumentException($"{nameof(ImagesPerWindow)} must be at least 1; got {ImagesPerWindow}.");
        if (PermutedWindows is < 0 || PermutedWindows > Windows)
            throw new ArgumentException($"{nameof(PermutedWindows)} must lie in [0, {nameof(Windows)} = {Windows}]; got {PermutedWindows}.");
        if (PermuteEvery < 1) throw new ArgumentException($"{nameof(PermuteEvery)} must be at least 1; got {PermuteEvery}.");
        if (!(RelabelFraction >= 0 && RelabelFraction <= 1)) throw new ArgumentException($"{nameof(RelabelFraction)} must lie in [0, 1]; got {RelabelFraction}.");
    }

    /// <summary>Loads the images named by <see cref="Source"/> and builds the stream.</summary>
    public WindowStream Build() => Build(FashionMnist.Load(Source));

    /// <summary>Builds the stream from <paramref name="images"/>; throws <see cref="ArgumentException"/> when it has too few images.</summary>
    public WindowStream Build(ImageDataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        Validate();
        long needed = (long)Windows * ImagesPerWindow;
        if (needed > images.Count)
            throw new ArgumentException($"A drifting stream of {Windows} windows x {ImagesPerWindow} images needs {needed} images; '{images.Name}' has {images.Count}.");
        var chosen = images.Subset((int)needed, Seed);
        var permuted = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = Windows, Seed = Seed + 1 }, chosen);
        var relabeled = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.PartialRelabel, Tasks = Windows, Seed = Seed + 2, RelabelFraction = RelabelFraction }, chosen);
        int permutedWindows = PermutedWindows ?? Windows / 2;
        int size = chosen.ImageSize;
        var windows = new StreamWindow[Windows];
        for (int w = 0; w < Windows; w++)
        {
            var labels = w < permutedWindows ? permuted.LabelsFor(w / PermuteEvery) : relabeled.LabelsFor(w - permutedWindows + 1);
            int start = w * ImagesPerWindow;
            var features = new float[ImagesPerWindow * size];
            Array.Copy(chosen.Pixels, (long)start * size, features, 0, features.Length);
            windows[w] = new StreamWindow(features, labels.AsSpan(start, ImagesPerWindow).ToArray());
        }
        string name = $"{images.Name}: {Windows} windows x {ImagesPerWindow} images, classes permuted every {PermuteEvery} windows for {permutedWindows} windows, then {RelabelFraction:P0} more labels redrawn per window";
        return new WindowStream(name, size, TargetKind.ClassLabels, chosen.ClassCount, windows);
    }
}
