using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

[TestClass]
public sealed class EvaluationModeTests
{
    [TestMethod]
    public void AModuleIsInEvaluationModeInsideAndBackInTheModeItWasInAfter()
    {
        using var module = nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.5));
        module.train();
        using (EvaluationMode.Enter(module))
        {
            Assert.IsFalse(module.training);
            Assert.IsTrue(module.modules().All(m => !m.training), "every submodule measures in evaluation mode");
        }
        Assert.IsTrue(module.training, "a training module trains again");
        Assert.IsTrue(module.modules().All(m => m.training));

        module.eval();
        using (EvaluationMode.Enter(module)) Assert.IsFalse(module.training);
        Assert.IsFalse(module.training, "a module that was evaluating is not switched to training");

        // Restored when the measurement throws, too.
        module.train();
        Assert.ThrowsExactly<InvalidOperationException>(() =>
        {
            using (EvaluationMode.Enter(module)) throw new InvalidOperationException();
        });
        Assert.IsTrue(module.training);
    }
}
