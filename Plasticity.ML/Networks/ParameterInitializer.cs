using Plasticity.ML.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// Initializes parameters from an explicit <see cref="Random"/>, never from libtorch's global generator, so
/// that runs on parallel threads stay reproducible. The distribution is PyTorch's default for linear and
/// convolution layers: weights and biases uniform on ±1/sqrt(fan_in).
/// </summary>
public static class ParameterInitializer
{
    /// <summary>Re-draws the weight and bias of a linear or convolution module.</summary>
    public static void InitializeAffine(nn.Module affine, Random random)
    {
        switch (affine)
        {
            case Linear linear:
                Fill(linear.weight!, linear.bias, random);
                break;
            case Conv2d conv:
                Fill(conv.weight!, conv.bias, random);
                break;
            default:
                throw new ArgumentException($"Cannot initialize a module of type {affine.GetType().Name}.", nameof(affine));
        }
    }

    /// <summary>Resets a normalization module to identity scale and zero shift (and clears BatchNorm statistics).</summary>
    public static void ResetNormalization(nn.Module norm)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in norm.named_parameters())
        {
            if (name.EndsWith("weight", StringComparison.Ordinal)) p.fill_(Scalars.One);
            else if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
        }
        switch (norm)
        {
            case BatchNorm1d bn1: bn1.reset_running_stats(); break;
            case BatchNorm2d bn2: bn2.reset_running_stats(); break;
        }
    }

    /// <summary>The fan-in of a weight tensor: inputs times kernel area.</summary>
    public static long FanIn(Tensor weight) => weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    /// <summary>The bound b of the initial distribution U(-b, b) of a weight (and its bias): <c>1 / sqrt(fan_in)</c>.</summary>
    public static double Bound(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return 1.0 / Math.Sqrt(FanIn(weight));
    }

    /// <summary>Draws values for <paramref name="weight"/> (and <paramref name="bias"/>) into new tensors without touching them.</summary>
    public static (Tensor Weight, Tensor? Bias) Draw(Tensor weight, Tensor? bias, Random random)
    {
        double bound = Bound(weight);
        var w = UniformTensor(weight.shape, bound, random, weight.dtype, weight.device);
        var b = bias is null ? null : UniformTensor(bias.shape, bound, random, bias.dtype, bias.device);
        return (w, b);
    }

    private static void Fill(Tensor weight, Tensor? bias, Random random)
    {
        var (w, b) = Draw(weight, bias, random);
        using var noGrad = no_grad();
        weight.copy_(w);
        w.Dispose();
        if (bias is not null && b is not null)
        {
            bias.copy_(b);
            b.Dispose();
        }
    }

    private static Tensor UniformTensor(long[] shape, double bound, Random random, ScalarType dtype, Device device)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)random.NextUniform(-bound, bound);
        using var flat = tensor(values);
        using var cpu = flat.reshape(shape);
        return cpu.to(dtype, device);
    }
}
