namespace Plasticity.ML.Tasks.Streams;

/// <summary>
/// A data stream cut in windows: the samples arrive window after window and their distribution (or their labels)
/// drifts between windows. What a search over plasticity settings tunes on: each window is first scored by the model
/// trained on the windows before it, then learned (test-then-train, or prequential, evaluation).
/// </summary>
/// <remarks>
/// Every window has the same number of features and the same kind of targets. The constructor checks every value:
/// a NaN or infinite feature or target, or a label outside <c>[0, TargetCount)</c>, is an error naming the window and
/// the sample, never something trained on silently. Build one from arrays, from a file
/// (<see cref="WindowStreamFile"/>) or from images with label drift (<see cref="DriftingStreamSpec"/>).
/// </remarks>
public sealed class WindowStream
{
    /// <summary>Creates a stream; throws <see cref="ArgumentException"/> naming the window, sample and value that is wrong.</summary>
    /// <param name="name">A human-readable name.</param>
    /// <param name="featureCount">Features per sample.</param>
    /// <param name="targetKind">Class labels or regression values.</param>
    /// <param name="targetCount">Number of classes (labels) or of regression outputs.</param>
    /// <param name="windows">The windows, in stream order (at least one, none empty).</param>
    public WindowStream(string name, int featureCount, TargetKind targetKind, int targetCount, IReadOnlyList<StreamWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(windows);
        if (featureCount <= 0) throw new ArgumentException($"Stream '{name}': the feature count must be positive; got {featureCount}.", nameof(featureCount));
        if (!Enum.IsDefined(targetKind)) throw new ArgumentException($"Stream '{name}': {(int)targetKind} is not a {nameof(TargetKind)}.", nameof(targetKind));
        if (targetKind == TargetKind.ClassLabels && targetCount < 2)
            throw new ArgumentException($"Stream '{name}': class labels need at least 2 classes; got {targetCount}.", nameof(targetCount));
        if (targetCount < 1) throw new ArgumentException($"Stream '{name}': the target count must be positive; got {targetCount}.", nameof(targetCount));
        if (windows.Count == 0) throw new ArgumentException($"Stream '{name}' has no windows.", nameof(windows));
        for (int w = 0; w < windows.Count; w++) Check(name, windows[w], w, featureCount, targetKind, targetCount);
        Name = name;
        FeatureCount = featureCount;
        TargetKind = targetKind;
        TargetCount = targetCount;
        Windows = windows.ToArray();
    }

    /// <summary>The stream's name.</summary>
    public string Name { get; }

    /// <summary>Features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>Class labels or regression values.</summary>
    public TargetKind TargetKind { get; }

    /// <summary>Number of classes (labels) or of regression outputs.</summary>
    public int TargetCount { get; }

    /// <summary>The windows, in stream order.</summary>
    public IReadOnlyList<StreamWindow> Windows { get; }

    /// <summary>Number of windows.</summary>
    public int Count => Windows.Count;

    /// <summary>The first <paramref name="count"/> windows (the part of the stream a search may see).</summary>
    public WindowStream Take(int count)
    {
        if (count < 1 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Stream '{Name}' has {Count} windows; take 1 to {Count}.");
        return count == Count ? this : new WindowStream(Name, FeatureCount, TargetKind, TargetCount, Windows.Take(count).ToArray(), trusted: true);
    }

    private WindowStream(string name, int featureCount, TargetKind targetKind, int targetCount, StreamWindow[] windows, bool trusted)
    {
        _ = trusted; // the windows were checked when the stream they come from was built
        Name = name;
        FeatureCount = featureCount;
        TargetKind = targetKind;
        TargetCount = targetCount;
        Windows = windows;
    }

    private static void Check(string name, StreamWindow window, int w, int featureCount, TargetKind kind, int targetCount)
    {
        if (window is null) throw new ArgumentException($"Stream '{name}': window {w} is null.");
        if (window.Count == 0) throw new ArgumentException($"Stream '{name}': window {w} has no samples.");
        if (window.Features.Length != (long)window.Count * featureCount)
            throw new ArgumentException($"Stream '{name}': window {w} has {window.Features.Length} feature values for {window.Count} samples of {featureCount} features.");
        for (int i = 0; i < window.Features.Length; i++)
            if (!float.IsFinite(window.Features[i]))
                throw new ArgumentException($"Stream '{name}': feature {i % featureCount} of sample {i / featureCount} in window {w} is {window.Features[i]}; NaN and infinite values cannot be trained on.");
        if (kind == TargetKind.ClassLabels)
        {
            if (window.Labels is null) throw new ArgumentException($"Stream '{name}': window {w} has regression targets, but the stream has class labels.");
            for (int i = 0; i < window.Count; i++)
                if (window.Labels[i] < 0 || window.Labels[i] >= targetCount)
                    throw new ArgumentException($"Stream '{name}': the label of sample {i} in window {w} is {window.Labels[i]}, outside [0, {targetCount}).");
            return;
        }
        if (window.Targets is null) throw new ArgumentException($"Stream '{name}': window {w} has class labels, but the stream has regression targets.");
        if (window.Targets.Length != (long)window.Count * targetCount)
            throw new ArgumentException($"Stream '{name}': window {w} has {window.Targets.Length} target values for {window.Count} samples of {targetCount} outputs.");
        for (int i = 0; i < window.Targets.Length; i++)
            if (!float.IsFinite(window.Targets[i]))
                throw new ArgumentException($"Stream '{name}': target {i % targetCount} of sample {i / targetCount} in window {w} is {window.Targets[i]}; NaN and infinite values cannot be trained on.");
    }
}
