using Plasticity.Lab.Reporting;

namespace Plasticity.ML.Tests.Lab;

[TestClass]
public sealed class RunCodeVersionsTests
{
    [TestMethod]
    public void OneVersionIsNamedAndMixedVersionsAreCountedMostRunsFirst()
    {
        Assert.AreEqual("a", RunCodeVersions.Describe(["a", "a"]));
        Assert.AreEqual("3 versions: b (2 runs); not recorded (2 runs); a (1 run)", RunCodeVersions.Describe(["a", "b", null, "b", null]));
        Assert.AreEqual("no runs", RunCodeVersions.Describe([]));
    }
}
