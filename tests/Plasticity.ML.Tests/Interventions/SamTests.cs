using Plasticity.ML.Interventions;
using Plasticity.ML.Common;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class SamTests
{
    [TestMethod]
    public void GradientIsTakenAtThePerturbedPointAndWeightsAreRestoredBeforeTheStep()
    {
        using var tensors = NewDisposeScope();
        const double rho = 0.5;
        using var network = Mlp(3, [4], 2, seed: 6);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer);
        using var x = Uniform(5, 3, seed: 3, low: -1);
        using var y = Uniform(5, 2, seed: 4, low: -1);
        var objective = Objective(network);
        context.BatchInputs = x;
        context.BatchLoss = () => objective.ComputeLoss(network.forward(x), y);

        // The trainer's backward pass at theta.
        optimizer.ZeroGrad();
        objective.ComputeLoss(network.forward(x), y).backward();
        var theta = Snapshot(network);
        var gradient = network.parameters().Select(p => p.grad!.clone()).ToArray();

        // Independent expectation: the gradient at theta + rho * g / ||g||, computed on a copy.
        double norm = Math.Sqrt(gradient.Sum(g => g.to_type(ScalarType.Float64).Squared().sum().item<double>()));
        using var copy = network.DeepCopy();
        using (no_grad())
            foreach (var (p, g) in copy.parameters().Zip(gradient)) p.add_(g.Times(rho / norm), Scalars.One);
        objective.ComputeLoss(copy.forward(x), y).backward();
        var perturbedGradient = copy.parameters().Select(p => p.grad!.clone()).ToArray();

        new SamSpec { Rho = rho }.CreateHook().AfterBackward(context);

        var parameters = network.parameters().ToArray();
        double change = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            AssertClose(theta[i], parameters[i], 0, $"parameter {i} restored");
            AssertClose(perturbedGradient[i], parameters[i].grad!, 1e-6, $"gradient {i} at the perturbed point");
            change = Math.Max(change, MaxAbsDifference(gradient[i], parameters[i].grad!));
        }
        Assert.IsGreaterThan(1e-4, change, "the perturbed gradient must differ from the plain one for this test to mean anything");
    }
}
