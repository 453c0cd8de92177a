using Plasticity.ML.Data;
using Plasticity.ML.Reinforcement.Environments.Classification;
using Plasticity.ML.Tasks;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>The classification MDP on a hand-made set of four 2x2 images in three classes.</summary>
[TestClass]
public sealed class ClassificationMdpTests
{
    // Image k has pixels 4k .. 4k + 3 (as bytes); labels: image 0 class 0, images 1 and 2 class 1, image 3 class 2.
    private static ImageDataset Tiny() => new("tiny",
        Enumerable.Range(0, 16).Select(v => v / 255f).ToArray(), [0, 1, 1, 2], [1, 2, 2], classCount: 3);

    private static byte[] ImageBytes(int image) => Enumerable.Range(4 * image, 4).Select(v => (byte)v).ToArray();

    [TestMethod]
    public void ObservationsAreTheImageBytesAndTheSpecDescribesThem()
    {
        using var mdp = new ClassificationMdp(Tiny());
        CollectionAssert.AreEqual(new[] { 1, 2, 2 }, mdp.Spec.ObservationShape);
        Assert.AreEqual((byte)255, mdp.Spec.ObservationMaximum);
        Assert.AreEqual(3, mdp.Spec.ActionCount);
        Assert.AreEqual("classification-mdp:true-labels", mdp.Spec.Name);
        var observation = new byte[4];
        mdp.Reset(1, observation);
        for (int step = 0; step < 50; step++)
        {
            CollectionAssert.AreEqual(ImageBytes(mdp.CurrentImage), observation);
            Assert.AreEqual(new[] { 0, 1, 1, 2 }[mdp.CurrentImage], mdp.CurrentState);
            var result = mdp.Step(0, observation);
            Assert.IsFalse(result.Done, "a continuing task");
        }
    }

    [TestMethod]
    public void TrueLabelsRewardNamingTheClass()
    {
        using var mdp = new ClassificationMdp(Tiny());
        var observation = new byte[4];
        mdp.Reset(2, observation);
        for (int step = 0; step < 200; step++)
        {
            int state = mdp.CurrentState;
            int guess = step % 3;
            Assert.AreEqual(guess == state ? 1f : 0f, mdp.Step(guess, observation).Reward);
        }
    }

    [TestMethod]
    public void TheNextImageIsUniformWhateverTheAction()
    {
        foreach (int action in new[] { 0, 2 })
        {
            using var mdp = new ClassificationMdp(Tiny());
            var observation = new byte[4];
            mdp.Reset(3, observation);
            var counts = new int[4];
            const int steps = 40_000;
            for (int i = 0; i < steps; i++)
            {
                mdp.Step(action, observation);
                counts[mdp.CurrentImage]++;
            }
            double sigma = Math.Sqrt(steps * 0.25 * 0.75);
            foreach (int count in counts) Assert.AreEqual(steps / 4.0, count, 5 * sigma, $"action {action}");
        }
    }

    [TestMethod]
    public void RandomLabelsAreThoseOfTheRandomLabelTaskSequenceAndStartTaskRedrawsThem()
    {
        var data = Tiny();
        using var mdp = new ClassificationMdp(data, new ClassificationMdpOptions { Variant = ClassificationMdpVariant.RandomLabels, LabelSeed = 17 });
        CollectionAssert.AreEqual(TaskSequence.RandomLabels(17, 0, 4, 3), mdp.Labels.ToArray());
        var sequence = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 3, Seed = 17 }, data);
        CollectionAssert.AreEqual(sequence.LabelsFor(0), mdp.Labels.ToArray(), "the same labels as the supervised task sequence");

        mdp.StartTask(2);
        Assert.AreEqual(2, mdp.Task);
        CollectionAssert.AreEqual(sequence.LabelsFor(2), mdp.Labels.ToArray());

        var observation = new byte[4];
        mdp.Reset(4, observation);
        for (int step = 0; step < 100; step++)
        {
            int label = mdp.Labels[mdp.CurrentImage];
            Assert.AreEqual(label, mdp.CurrentState);
            Assert.AreEqual(1f, mdp.Step(label, observation).Reward);
        }
    }

    [TestMethod]
    public void SparseRewardPaysOnlyForTheLastClassAndNamingTheClassWalksThroughTheClasses()
    {
        using var mdp = new ClassificationMdp(Tiny(), new ClassificationMdpOptions { Variant = ClassificationMdpVariant.SparseReward });
        var observation = new byte[4];
        mdp.Reset(5, observation);
        // Always name the class: states cycle 0 -> 1 -> 2 -> 0 ..., rewarded only when leaving class 2.
        int state = mdp.CurrentState;
        for (int step = 0; step < 60; step++)
        {
            var result = mdp.Step(state, observation);
            Assert.AreEqual(state == 2 ? 1f : 0f, result.Reward, $"step {step}");
            Assert.AreEqual((state + 1) % 3, mdp.CurrentState, $"step {step}");
            CollectionAssert.AreEqual(ImageBytes(mdp.CurrentImage), observation);
            state = mdp.CurrentState;
        }
        // A wrong guess is never rewarded, and sends the agent to a uniformly drawn image.
        var counts = new int[4];
        for (int step = 0; step < 20_000; step++)
        {
            int wrong = (mdp.CurrentState + 1) % 3;
            Assert.AreEqual(0f, mdp.Step(wrong, observation).Reward);
            counts[mdp.CurrentImage]++;
        }
        foreach (int count in counts) Assert.AreEqual(5000, count, 5 * Math.Sqrt(20_000 * 0.25 * 0.75));
    }

    [TestMethod]
    public void AnEpisodeLengthTruncatesAndTheSameSeedRepeatsTheImages()
    {
        using var mdp = new ClassificationMdp(Tiny(), new ClassificationMdpOptions { EpisodeLength = 5 });
        var observation = new byte[4];
        var first = Images(mdp, 9);
        CollectionAssert.AreEqual(first, Images(mdp, 9));
        Assert.ThrowsExactly<InvalidOperationException>(() => mdp.Step(0, observation));

        static List<int> Images(ClassificationMdp mdp, long seed)
        {
            var observation = new byte[4];
            mdp.Reset(seed, observation);
            var images = new List<int> { mdp.CurrentImage };
            for (int step = 1; step <= 5; step++)
            {
                var result = mdp.Step(0, observation);
                images.Add(mdp.CurrentImage);
                Assert.AreEqual(step == 5, result.Truncated);
                Assert.IsFalse(result.Terminated);
            }
            return images;
        }
    }

    [TestMethod]
    public void TheEmbeddedFashionMnistImagesBecomeTwentyEightByTwentyEightBytes()
    {
        var data = FashionMnist.LoadEmbedded();
        using var mdp = new ClassificationMdp(data);
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, mdp.Spec.ObservationShape);
        Assert.AreEqual(10, mdp.Spec.ActionCount);
        var observation = new byte[784];
        mdp.Reset(0, observation);
        for (int i = 0; i < 784; i++)
            Assert.AreEqual(data.Pixels[mdp.CurrentImage * 784 + i], observation[i] / 255f, 1e-7f);
        Assert.AreEqual(0.99, mdp.Options.Discount);
    }

    [TestMethod]
    public void BadInputIsRejectedWithMessagesNamingTheValue()
    {
        using var mdp = new ClassificationMdp(Tiny());
        var observation = new byte[4];
        var early = Assert.ThrowsExactly<InvalidOperationException>(() => mdp.Step(0, observation));
        StringAssert.Contains(early.Message, "Reset");
        var buffer = Assert.ThrowsExactly<ArgumentException>(() => mdp.Reset(0, new byte[5]));
        StringAssert.Contains(buffer.Message, "4 bytes");
        StringAssert.Contains(buffer.Message, "has 5");
        mdp.Reset(0, observation);
        var action = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mdp.Step(3, observation));
        StringAssert.Contains(action.Message, "got action 3");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mdp.Step(-1, observation));
        var task = Assert.ThrowsExactly<InvalidOperationException>(() => mdp.StartTask(1));
        StringAssert.Contains(task.Message, "TrueLabels");

        var discount = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ClassificationMdp(Tiny(), new ClassificationMdpOptions { Discount = 1.5 }));
        StringAssert.Contains(discount.Message, "Discount must lie in [0, 1]; got 1.5");
        var length = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ClassificationMdp(Tiny(), new ClassificationMdpOptions { EpisodeLength = 0 }));
        StringAssert.Contains(length.Message, "EpisodeLength");
        var missing = new ImageDataset("gap", new float[8], [0, 2], [1, 2, 2], classCount: 3);
        var sparse = Assert.ThrowsExactly<ArgumentException>(() => new ClassificationMdp(missing, new ClassificationMdpOptions { Variant = ClassificationMdpVariant.SparseReward }));
        StringAssert.Contains(sparse.Message, "no image of class 1");
    }
}
