using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Common;

/// <summary>
/// Builds tensors from spans with one copy. <c>torch.tensor(T[])</c> needs an array, so a slice of a larger buffer
/// would be copied twice (to the array, then into the tensor), and each fresh buffer costs first-touch page faults
/// that dominate ingestion on a VM.
/// </summary>
internal static class TensorCopy
{
    /// <summary>A new contiguous tensor of <paramref name="shape"/> holding <paramref name="values"/> (float, double or long).</summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> values, long[] shape, Device? device = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dtype = typeof(T) == typeof(float) ? ScalarType.Float32
            : typeof(T) == typeof(double) ? ScalarType.Float64
            : typeof(T) == typeof(long) ? ScalarType.Int64
            : throw new NotSupportedException($"No tensor element type for {typeof(T).Name}.");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length) throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {count} values but {values.Length} were given.", nameof(shape));
        var result = empty(shape, dtype);
        if (count > 0) values.CopyTo(new Span<T>((void*)result.storage<T>().data_ptr(), values.Length));
        if (device is null || device.type == DeviceType.CPU) return result;
        using (result) return result.to(device);
    }
}
