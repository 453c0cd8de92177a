using System.Reflection;

namespace Plasticity.ML.Data;

/// <summary>
/// Fashion-MNIST (Zalando, MIT licence): 28x28 greyscale images of 10 clothing classes. The 10,000-image test
/// split ships inside this assembly as the default data set; the full 70,000 images load from a folder of IDX
/// files, such as the one Debian's <c>dataset-fashion-mnist</c> package installs.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the IDX files.</summary>
    public const string SystemFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the embedded 10,000-image test split.</summary>
    public static ImageDataset LoadEmbedded()
    {
        var assembly = typeof(FashionMnist).Assembly;
        var images = ReadResource(assembly, "Plasticity.ML.Data.fashion-mnist.t10k-images-idx3-ubyte.gz");
        var labels = ReadResource(assembly, "Plasticity.ML.Data.fashion-mnist.t10k-labels-idx1-ubyte.gz");
        return ToDataset("fashion-mnist (embedded test split)", images, labels);
    }

    /// <summary>
    /// Loads every split found in <paramref name="folder"/> (<c>train-*</c> and <c>t10k-*</c> IDX files, gzipped
    /// or not) and concatenates them: 70,000 images for a complete Fashion-MNIST or MNIST folder.
    /// </summary>
    public static ImageDataset LoadFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Data folder '{folder}' does not exist.");
        var parts = new List<ImageDataset>();
        foreach (string split in new[] { "train", "t10k" })
        {
            string? images = Find(folder, $"{split}-images-idx3-ubyte");
            string? labels = Find(folder, $"{split}-labels-idx1-ubyte");
            if (images is null && labels is null) continue;
            if (images is null || labels is null)
                throw new FileNotFoundException($"Data folder '{folder}' has only one of the '{split}' images/labels IDX files.");
            parts.Add(ToDataset($"{split}", IdxReader.Read(images), IdxReader.Read(labels)));
        }
        if (parts.Count == 0)
            throw new FileNotFoundException($"Data folder '{folder}' holds no MNIST-format IDX files (expected train-images-idx3-ubyte[.gz] and friends).");
        return Concatenate($"{Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))} ({folder})", parts);
    }

    /// <summary>
    /// Loads the data named by <paramref name="source"/>: null, empty or "embedded" for the embedded test split,
    /// "system" for <see cref="SystemFolder"/>, anything else as a folder path.
    /// </summary>
    public static ImageDataset Load(string? source)
    {
        if (string.IsNullOrWhiteSpace(source) || source.Equals("embedded", StringComparison.OrdinalIgnoreCase))
            return LoadEmbedded();
        if (source.Equals("system", StringComparison.OrdinalIgnoreCase))
            return LoadFolder(SystemFolder);
        return LoadFolder(source);
    }

    private static string? Find(string folder, string stem)
    {
        foreach (string candidate in new[] { stem + ".gz", stem })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static IdxFile ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing from {assembly.GetName().Name}.");
        return IdxReader.Read(stream, name);
    }

    private static ImageDataset ToDataset(string name, IdxFile images, IdxFile labels)
    {
        if (images.Dimensions.Length != 3)
            throw new InvalidDataException($"'{name}' images must have 3 dimensions (count, rows, columns); got {images.Dimensions.Length}.");
        if (labels.Dimensions.Length != 1)
            throw new InvalidDataException($"'{name}' labels must have 1 dimension; got {labels.Dimensions.Length}.");
        if (images.Count != labels.Count)
            throw new InvalidDataException($"'{name}' has {images.Count} images but {labels.Count} labels.");
        var pixels = new float[images.Data.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = images.Data[i] / 255f;
        var classes = labels.Data.Select(b => (int)b).ToArray();
        int classCount = Math.Max(10, classes.Max() + 1);
        return new ImageDataset(name, pixels, classes, [1, images.Dimensions[1], images.Dimensions[2]], classCount);
    }

    private static ImageDataset Concatenate(string name, List<ImageDataset> parts)
    {
        if (parts.Count == 1) return new ImageDataset(name, parts[0].Pixels, parts[0].Labels, parts[0].ImageShape, parts[0].ClassCount);
        var shape = parts[0].ImageShape;
        if (parts.Any(p => !p.ImageShape.SequenceEqual(shape)))
            throw new InvalidDataException($"'{name}': the splits have different image shapes.");
        return new ImageDataset(name,
            parts.SelectMany(p => p.Pixels).ToArray(),
            parts.SelectMany(p => p.Labels).ToArray(),
            shape,
            parts.Max(p => p.ClassCount));
    }
}
