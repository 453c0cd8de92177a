using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

/// <summary>The one projection onto a categorical support that two-hot encoding and C51 share, on hand-computed cases.</summary>
[TestClass]
public sealed class CategoricalProjectionTests
{
    // Support: 4 atoms on [-1, 2], i.e. at -1, 0, 1, 2 (spacing 1).
    private static float[] Project(float[] values, float[]? probabilities)
    {
        using var scope = NewDisposeScope();
        return CategoricalProjection.Project(tensor(values).unsqueeze(0), probabilities is null ? null : tensor(probabilities).unsqueeze(0), 4, -1, 2)
            .squeeze(0).data<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-6, $"{what}: atom {i} of [{string.Join(", ", actual)}]");
    }

    [TestMethod]
    public void MassBetweenAtomsIsSplitInProportionToCloseness()
    {
        // 0.5 lies halfway between atoms 0 and 1: 0.4 -> 0.2 + 0.2. 1.75 lies a quarter from atom 2: 0.6 -> 0.15 + 0.45.
        AssertClose([0f, 0.2f, 0.35f, 0.45f], Project([0.5f, 1.75f], [0.4f, 0.6f]), "two values");
    }

    [TestMethod]
    public void ValuesOutsideTheSupportGoToItsNearestEnd()
    {
        AssertClose([0.3f, 0f, 0f, 0.7f], Project([-3f, 5f], [0.3f, 0.7f]), "outside");
    }

    [TestMethod]
    public void ValuesOnAtomsKeepAllTheirMassThereIncludingBothEnds()
    {
        // The case C51 code special-cases (floor(b) == ceil(b)); the last atom is reached with fraction 1 from atom 2.
        AssertClose([0.25f, 0f, 0.25f, 0.5f], Project([2f, -1f, 1f], [0.5f, 0.25f, 0.25f]), "on atoms");
    }

    [TestMethod]
    public void SourceAtomsThatCoincideAddTheirMass()
    {
        // gamma = 0 (or a terminal transition) maps every source atom to the reward: all mass lands around r = 0.25.
        AssertClose([0f, 0.75f, 0.25f, 0f], Project([0.25f, 0.25f, 0.25f], [0.2f, 0.3f, 0.5f]), "coinciding");
    }

    [TestMethod]
    public void ABellmanUpdateOfADistributionMatchesTheHandComputation()
    {
        // Next-state distribution p = [0.1, 0.2, 0.3, 0.4] on z = [-1, 0, 1, 2]; r = 0.5, gamma = 0.5:
        // Tz = [0, 0.5, 1, 1.5]. Atom 1 gets 0.1 + 0.1 = 0.2, atom 2 gets 0.1 + 0.3 + 0.2 = 0.6, atom 3 gets 0.2.
        var z = new[] { -1f, 0f, 1f, 2f };
        var shifted = z.Select(v => 0.5f + 0.5f * v).ToArray();
        var projected = Project(shifted, [0.1f, 0.2f, 0.3f, 0.4f]);
        AssertClose([0f, 0.2f, 0.6f, 0.2f], projected, "Bellman update");
        Assert.AreEqual(0.5 + 0.5 * (0.1 * -1 + 0.3 * 1 + 0.4 * 2), projected.Select((p, i) => p * z[i]).Sum(), 1e-6, "the expectation is r + gamma E[Z]");
    }

    [TestMethod]
    public void LeadingDimensionsAreKeptAndEachRowSumsToItsMass()
    {
        using var tensors = NewDisposeScope();
        using var values = tensor(new float[] { 0.5f, 1.75f, -3f, 5f, 2f, 2f }).reshape(3, 2);
        using var probabilities = tensor(new float[] { 0.4f, 0.6f, 0.3f, 0.7f, 0.5f, 0.5f }).reshape(3, 2);
        using var projected = CategoricalProjection.Project(values, probabilities, 4, -1, 2);
        CollectionAssert.AreEqual(new long[] { 3, 4 }, projected.shape);
        AssertClose([0.3f, 0f, 0f, 0.7f], projected[1].data<float>().ToArray(), "row 1");
        AssertClose([0f, 0f, 0f, 1f], projected[2].data<float>().ToArray(), "row 2");
    }

    [TestMethod]
    public void TheTwoHotEncodingIsTheProjectionOfASingleValue()
    {
        var encoding = new TwoHotEncoding(bins: 4, min: -1, max: 2);
        using var values = tensor(new float[] { -5f, -0.3f, 0f, 1.9f, 2f });
        using var twoHot = encoding.Encode(values);
        using var projected = CategoricalProjection.Project(values.unsqueeze(-1), null, 4, -1, 2);
        Assert.IsTrue(twoHot.SameValues(projected), "bit-identical");
        AssertClose([0.3f, 0.7f, 0f, 0f], twoHot[1].data<float>().ToArray(), "-0.3");
    }

    [TestMethod]
    public void BadSupportsAndShapesAreRefused()
    {
        using var values = zeros(2, 3);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CategoricalProjection.Project(values, null, 1, 0, 1));
        Assert.ThrowsExactly<ArgumentException>(() => CategoricalProjection.Project(values, null, 5, 1, 1));
        using var wrong = zeros(2, 4);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => CategoricalProjection.Project(values, wrong, 5, 0, 1)).Message, "[2, 4]");
    }
}
