using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// The mean loss and accuracy of a network on a set of samples, in evaluation mode and without gradients, in chunks
/// so that memory stays bounded: what the continual trainer reports at the end of a task and what a search scores a
/// window with before learning it.
/// </summary>
internal static class SampleEvaluation
{
    private const int Chunk = 1024;

    /// <summary>Evaluates <paramref name="network"/> on the first <paramref name="count"/> samples.</summary>
    /// <param name="network">The network; left in training mode afterwards.</param>
    /// <param name="objective">The objective the network trains with.</param>
    /// <param name="inputs">Inputs <c>[N, ...]</c>.</param>
    /// <param name="preparedTargets">Targets prepared by <paramref name="objective"/>, one row per input.</param>
    /// <param name="labels">Class labels <c>[N]</c> for accuracy, or null (regression: accuracy is NaN).</param>
    /// <param name="count">How many samples, from the first.</param>
    public static (double Loss, double Accuracy) Evaluate(PlasticNetwork network, TrainingObjective objective, Tensor inputs, Tensor preparedTargets, Tensor? labels, int count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.eval();
        try
        {
            double lossSum = 0;
            long correct = 0;
            for (int start = 0; start < count; start += Chunk)
            {
                int length = Math.Min(Chunk, count - start);
                using var inner = NewDisposeScope();
                var x = inputs.narrow(0, start, length);
                var y = preparedTargets.narrow(0, start, length);
                var output = network.forward(x);
                lossSum += objective.ComputeLoss(output, y).item<float>() * length;
                if (labels is not null && objective.HasAccuracy) correct += objective.CountCorrect(output, labels.narrow(0, start, length)).item<long>();
            }
            return (lossSum / count, labels is not null && objective.HasAccuracy ? (double)correct / count : double.NaN);
        }
        finally
        {
            network.train();
        }
    }
}
