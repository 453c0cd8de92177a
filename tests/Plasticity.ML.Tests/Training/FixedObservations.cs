using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Training;

/// <summary>A fixed set of observations that is not a supervised task, sampled as <see cref="IObservationSource"/> says.</summary>
/// <param name="inputs">The observations, one per row.</param>
internal sealed class FixedObservations(Tensor inputs) : IObservationSource
{
    /// <inheritdoc />
    public int Count => (int)inputs.shape[0];

    /// <inheritdoc />
    public Tensor Sample(int count, Random random)
    {
        var indices = new long[count];
        for (int i = 0; i < count; i++) indices[i] = random.Next(Count);
        using var index = tensor(indices);
        return inputs.index_select(0, index);
    }
}
