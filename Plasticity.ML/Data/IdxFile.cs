namespace Plasticity.ML.Data;

/// <summary>The contents of an IDX file (the MNIST / Fashion-MNIST format): dimensions and unsigned bytes.</summary>
/// <param name="Dimensions">Size of each dimension, outermost first (for images: count, rows, columns).</param>
/// <param name="Data">The values in row-major order.</param>
public sealed record IdxFile(int[] Dimensions, byte[] Data)
{
    /// <summary>Number of items (the outermost dimension).</summary>
    public int Count => Dimensions[0];

    /// <summary>Values per item (the product of the inner dimensions).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
}
