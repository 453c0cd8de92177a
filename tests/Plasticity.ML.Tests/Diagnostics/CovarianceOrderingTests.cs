using Plasticity.ML.Diagnostics;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class CovarianceOrderingTests
{
    /// <summary>
    /// A C_k-like matrix of two blocks whose members are interleaved: rows in <paramref name="inA"/> have cosine
    /// 0.9 with each other, the others 0.8, and the two groups -0.3 across, plus a little seeded symmetric noise.
    /// </summary>
    private static double[][] TwoBlocks(bool[] inA, double noise, int seed)
    {
        int n = inA.Length;
        var random = new Random(seed);
        var m = new double[n][];
        for (int i = 0; i < n; i++) m[i] = new double[n];
        for (int i = 0; i < n; i++)
        {
            m[i][i] = 1;
            for (int j = i + 1; j < n; j++)
            {
                double v = inA[i] && inA[j] ? 0.9 : !inA[i] && !inA[j] ? 0.8 : -0.3;
                v += noise * (2 * random.NextDouble() - 1);
                m[i][j] = m[j][i] = v;
            }
        }
        return m;
    }

    [TestMethod]
    public void KMeansRecoversTwoInterleavedBlocksAndOrdersThemBlockByBlock()
    {
        // 12 rows in block A, 8 in block B, interleaved in a fixed scrambled pattern.
        var inA = Enumerable.Range(0, 20).Select(i => (i * 7) % 5 < 3).ToArray();
        int sizeA = inA.Count(a => a);
        Assert.AreEqual(12, sizeA);
        var ordering = CovarianceOrdering.ByCluster(TwoBlocks(inA, noise: 0.05, seed: 3), clusters: 2, seed: 11);

        var expected = Enumerable.Range(0, 20).Where(i => inA[i]).Concat(Enumerable.Range(0, 20).Where(i => !inA[i])).ToArray();
        CollectionAssert.AreEqual(expected, ordering.Order, "the larger block first, each block in original order");
        CollectionAssert.AreEqual(new[] { sizeA }, ordering.Boundaries.ToArray());
        Assert.AreEqual("kmeans", ordering.Method);
        CollectionAssert.AreEqual(Enumerable.Repeat(0L, 12).Concat(Enumerable.Repeat(1L, 8)).ToArray(), ordering.Groups);
    }

    [TestMethod]
    public void TheReorderedMatrixIsBlockConstantWithoutNoise()
    {
        var inA = Enumerable.Range(0, 10).Select(i => i % 3 == 1).ToArray(); // 3 in A, 7 in B
        var ordering = CovarianceOrdering.ByCluster(TwoBlocks(inA, noise: 0, seed: 1), clusters: 2, seed: 5);
        var ordered = ordering.Apply(TwoBlocks(inA, noise: 0, seed: 1));
        // B (7 rows, the larger) first, then A: top-left block 0.8 off the diagonal, bottom-right 0.9, across -0.3.
        for (int p = 0; p < 10; p++)
            for (int q = 0; q < 10; q++)
            {
                double expected = p == q ? 1 : p < 7 && q < 7 ? 0.8 : p >= 7 && q >= 7 ? 0.9 : -0.3;
                Assert.AreEqual(expected, ordered[p][q], 1e-15, $"({p}, {q})");
            }
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameOrdering()
    {
        var random = new Random(4);
        var m = new double[30][];
        for (int i = 0; i < 30; i++) m[i] = Enumerable.Range(0, 30).Select(_ => random.NextDouble()).ToArray();
        var a = CovarianceOrdering.ByCluster(m, 4, seed: 9);
        var b = CovarianceOrdering.ByCluster(m, 4, seed: 9);
        CollectionAssert.AreEqual(a.Order, b.Order);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 30).ToArray(), a.Order, "a permutation of the rows");
    }

    [TestMethod]
    public void LabelOrderingIsAStableSortWithBoundariesBetweenLabels()
    {
        var ordering = CovarianceOrdering.ByLabel([2, 0, 1, 0, 2]);
        CollectionAssert.AreEqual(new[] { 1, 3, 2, 0, 4 }, ordering.Order);
        CollectionAssert.AreEqual(new long[] { 0, 0, 1, 2, 2 }, ordering.Groups);
        CollectionAssert.AreEqual(new[] { 2, 3 }, ordering.Boundaries.ToArray());
        var m = new[] { new[] { 0.0, 1 }, new[] { 10.0, 11 } };
        var swapped = new MatrixOrdering { Method = "test", Order = [1, 0], Groups = [0, 0] }.Apply(m);
        CollectionAssert.AreEqual(new[] { 11.0, 10 }, swapped[0]);
        CollectionAssert.AreEqual(new[] { 1.0, 0 }, swapped[1]);
    }

    [TestMethod]
    public void KMeansFindsTheMeansOfThreeSeparatedSquares()
    {
        // Corners of unit squares centred at (0.5, 0.5), (10.5, 0.5) and (0.5, 10.5): the means are hand-known.
        var centres = new[] { (0.5, 0.5), (10.5, 0.5), (0.5, 10.5) };
        var points = centres.SelectMany(c => new[] { (-0.5, -0.5), (0.5, -0.5), (-0.5, 0.5), (0.5, 0.5) }
            .Select(d => new[] { c.Item1 + d.Item1, c.Item2 + d.Item2 })).ToArray();
        var fit = KMeans.Fit(points, 3, seed: 2);
        Assert.AreEqual(3, fit.Clusters);
        Assert.AreEqual(12 * 0.5, fit.Inertia, 1e-12, "every corner is at squared distance 0.5 from its centre");
        for (int s = 0; s < 3; s++)
        {
            int cluster = fit.Assignments[4 * s];
            for (int i = 1; i < 4; i++) Assert.AreEqual(cluster, fit.Assignments[4 * s + i], $"square {s}");
            Assert.AreEqual(centres[s].Item1, fit.Centroids[cluster][0], 1e-12);
            Assert.AreEqual(centres[s].Item2, fit.Centroids[cluster][1], 1e-12);
        }
    }

    [TestMethod]
    public void KMeansAsksNoMoreClustersThanDistinctPointsAndRejectsBadInput()
    {
        var same = Enumerable.Repeat(new[] { 1.0, 2.0 }, 5).ToArray();
        Assert.AreEqual(1, KMeans.Fit(same, 3, seed: 0).Clusters);
        Assert.ThrowsExactly<ArgumentException>(() => KMeans.Fit([new[] { 1.0, double.NaN }], 1, seed: 0));
        Assert.ThrowsExactly<ArgumentException>(() => KMeans.Fit([new[] { 1.0 }, new[] { 1.0, 2.0 }], 1, seed: 0));
        Assert.ThrowsExactly<ArgumentException>(() => CovarianceOrdering.ByCluster([new[] { 1.0, 2.0 }], 1));
    }

    [TestMethod]
    public void ASavedMatrixAndItsLabelsReadBack()
    {
        string folder = Path.Combine(Path.GetTempPath(), "ck-file-" + Guid.NewGuid().ToString("N"));
        try
        {
            var artifact = new StatisticsPanelArtifact
            {
                GradientCovariance = GradientCovarianceFromMatrix([[1, -0.25], [-0.25, 1]]),
                GradientCovarianceLabels = [7, 3],
            };
            artifact.WriteFiles(folder, "point");
            var m = CovarianceMatrixFile.ReadMatrix(Path.Combine(folder, "point-ck.csv"));
            Assert.AreEqual(-0.25, m[0][1]);
            Assert.AreEqual(1.0, m[1][1]);
            CollectionAssert.AreEqual(new long[] { 7, 3 }, CovarianceMatrixFile.ReadLabels(Path.Combine(folder, "point-ck-labels.csv")));
            File.WriteAllText(Path.Combine(folder, "bad.csv"), "1,2\n3\n");
            Assert.ThrowsExactly<InvalidDataException>(() => CovarianceMatrixFile.ReadMatrix(Path.Combine(folder, "bad.csv")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static GradientCovarianceResult GradientCovarianceFromMatrix(double[][] m) =>
        new() { Matrix = m, Rows = Enumerable.Range(0, m.Length).ToArray() };
}
