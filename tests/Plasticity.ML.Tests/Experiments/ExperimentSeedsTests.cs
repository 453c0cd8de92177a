using Plasticity.ML.Common;
using Plasticity.ML.Experiments;

namespace Plasticity.ML.Tests.Experiments;

/// <summary>
/// The seeds a spec runs: consecutive from a first seed, or a list (for seeds that are not consecutive, such as the
/// ones whose records were kept); the agent runner's side is in <see cref="AgentExperimentRunnerTests"/>.
/// </summary>
[TestClass]
public sealed class ExperimentSeedsTests
{
    [TestMethod]
    public void ASupervisedSpecRunsTheSeedsOfItsList()
    {
        var spec = VariantTaskKindTests.Spec(new VariantSpec { Name = "plain" }) with { Seeds = 4, FirstSeed = 10, SeedList = [6, 2] };
        spec.Validate();
        CollectionAssert.AreEqual(new long[] { 6, 2 }, spec.RunSeeds.ToArray());
        CollectionAssert.AreEqual(new long[] { 10, 11, 12, 13 }, (spec with { SeedList = null }).RunSeeds.ToArray());
        CollectionAssert.AreEqual(new long[] { 6, 2 }, PlasticityJson.Deserialize<ExperimentSpec>(PlasticityJson.Serialize(spec)).RunSeeds.ToArray());

        string folder = Path.Combine(Path.GetTempPath(), "plasticity-seed-list-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = new ExperimentRunner().Run(spec, folder);
            CollectionAssert.AreEqual(new long[] { 6, 2 }, result.Runs.Select(r => r.Seed).ToArray());
            Assert.AreEqual(6L, result.Runs[0].Result.Options.Seed);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void AnEmptyListOrARepeatedSeedIsRefusedByName()
    {
        var spec = VariantTaskKindTests.Spec(new VariantSpec { Name = "plain" });
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (spec with { SeedList = [] }).Validate()).Message, "SeedList must hold at least one seed");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (spec with { SeedList = [3, 1, 3] }).Validate()).Message, "SeedList names seed 3 twice");
    }

    [TestMethod]
    public void SeedsAreDescribedAsRanges()
    {
        Assert.AreEqual("7 (4-6, 9-12)", ExperimentSeeds.Describe([4, 5, 6, 9, 10, 11, 12]));
        Assert.AreEqual("3 (1-3)", ExperimentSeeds.Describe([3, 1, 2]));
        Assert.AreEqual("2 (1, 3)", ExperimentSeeds.Describe([1, 3]));
        Assert.AreEqual("12 (1-12)", ExperimentSeeds.Describe(ExperimentSeeds.Of(12, 1, null)));
    }
}
