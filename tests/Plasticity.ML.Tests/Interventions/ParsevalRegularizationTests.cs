using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Networks;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class ParsevalRegularizationTests
{
    /// <summary>||W W' - s I||_F^2 and its gradient 4 (W W' - s I) W, by hand in float64.</summary>
    private static (double Penalty, double[,] Gradient) ByHand(float[,] w, double s)
    {
        int rows = w.GetLength(0), columns = w.GetLength(1);
        var d = new double[rows, rows];
        double penalty = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < rows; j++)
            {
                double dot = 0;
                for (int k = 0; k < columns; k++) dot += (double)w[i, k] * w[j, k];
                d[i, j] = dot - (i == j ? s : 0);
                penalty += d[i, j] * d[i, j];
            }
        var gradient = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int k = 0; k < columns; k++)
            {
                double sum = 0;
                for (int j = 0; j < rows; j++) sum += d[i, j] * w[j, k];
                gradient[i, k] = 4 * sum;
            }
        return (penalty, gradient);
    }

    [TestMethod]
    public void PenaltyAndGradientMatchAHandComputationOnEveryHiddenLayerButNotTheOutput()
    {
        using var tensors = NewDisposeScope();
        const double lambda = 0.3, scale = 0.5;
        using var network = Mlp(5, [4, 3], 2, seed: 8);
        var hidden = network.HiddenLayers.Select(h => Matrix(h.Weight)).ToArray();
        var byHand = hidden.Select(w => ByHand(w, scale)).ToArray();

        using var penalty = ParsevalRegularizationSpec.Penalty(network, lambda, scale);
        Assert.AreEqual(lambda * byHand.Sum(h => h.Penalty), penalty.item<float>(), 1e-5 * lambda * byHand.Sum(h => h.Penalty));

        penalty.backward();
        for (int l = 0; l < hidden.Length; l++)
        {
            var grad = Matrix(network.HiddenLayers[l].Weight.grad!);
            for (int i = 0; i < grad.GetLength(0); i++)
                for (int k = 0; k < grad.GetLength(1); k++)
                    Assert.AreEqual(lambda * byHand[l].Gradient[i, k], grad[i, k], 1e-5, $"layer {l}, W[{i},{k}]");
        }
        Assert.IsNull(network.OutputLayer.weight!.grad, "the output layer is not regularized");
    }

    [TestMethod]
    public void OrthonormalRowsCostNothing()
    {
        using var network = NetworkFactory.Create(new NetworkSpec { InputShape = [3], HiddenWidths = [2], Head = new HeadSpec { Outputs = 1 } }, seed: 1);
        InterventionTestKitExtras.Set(network.HiddenLayers[0].Weight, [0.6, 0.8, 0, -0.8, 0.6, 0]);
        using var penalty = ParsevalRegularizationSpec.Penalty(network, lambda: 1, scale: 1);
        Assert.AreEqual(0, penalty.item<float>(), 1e-12);
    }
}
