using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Data;

/// <summary>
/// Labelled images in memory: pixels scaled to [0, 1] and stored flat, row-major, one image per row.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Creates a dataset; <paramref name="pixels"/> holds <c>labels.Length * ImageSize</c> values in [0, 1].</summary>
    public ImageDataset(string name, float[] pixels, int[] labels, int[] imageShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(imageShape);
        int size = imageShape.Aggregate(1, (a, b) => a * b);
        if (pixels.Length != (long)labels.Length * size)
            throw new ArgumentException($"Dataset '{name}': {pixels.Length} pixel values do not match {labels.Length} images of {size} values.");
        for (int i = 0; i < pixels.Length; i++)
        {
            if (!float.IsFinite(pixels[i]))
                throw new ArgumentException($"Dataset '{name}': pixel {i % size} of image {i / size} is {pixels[i]}; NaN and infinite values cannot be trained on.");
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classCount)
                throw new ArgumentException($"Dataset '{name}': label {labels[i]} of image {i} is outside [0, {classCount}).");
        }
        Name = name;
        Pixels = pixels;
        Labels = labels;
        ImageShape = imageShape;
        ClassCount = classCount;
    }

    /// <summary>A human-readable name, such as "fashion-mnist (embedded test split)".</summary>
    public string Name { get; }

    /// <summary>Pixels of all images, flat, in [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>Class label of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Shape of one image as [channels, height, width].</summary>
    public int[] ImageShape { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Values per image.</summary>
    public int ImageSize => ImageShape.Aggregate(1, (a, b) => a * b);

    /// <summary>A subset of <paramref name="count"/> distinct images chosen by <paramref name="seed"/>.</summary>
    public ImageDataset Subset(int count, long seed)
    {
        if (count <= 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A subset of '{Name}' must hold 1 to {Count} images.");
        var order = SeedSequence.CreateRandom(seed, "subset").Permutation(Count);
        return Select(order.AsSpan(0, count).ToArray(), $"{Name}, {count} images (seed {seed})");
    }

    /// <summary>The images at the given indices, in that order.</summary>
    public ImageDataset Select(int[] indices, string? name = null)
    {
        int size = ImageSize;
        var pixels = new float[(long)indices.Length * size];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Array.Copy(Pixels, (long)indices[i] * size, pixels, (long)i * size, size);
            labels[i] = Labels[indices[i]];
        }
        return new ImageDataset(name ?? Name, pixels, labels, ImageShape, ClassCount);
    }

    /// <summary>The images as a float tensor <c>[N, ImageSize]</c>.</summary>
    public Tensor InputsTensor()
    {
        using var flat = tensor(Pixels);
        return flat.reshape(Count, ImageSize);
    }

    /// <summary>The labels as an int64 tensor <c>[N]</c>.</summary>
    public Tensor LabelsTensor() => tensor(Labels.Select(l => (long)l).ToArray());
}
