using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

[TestClass]
public sealed class AleOptionsTests
{
    [TestMethod]
    public void DefaultsAreTheStandardAtariPreprocessing()
    {
        var options = new AleOptions();
        options.Validate();
        Assert.AreEqual(0.25f, options.RepeatActionProbability);
        Assert.AreEqual(4, options.FrameSkip);
        Assert.IsTrue(options.MaxPoolLastTwoFrames);
        Assert.AreEqual(84, options.ObservationHeight);
        Assert.AreEqual(84, options.ObservationWidth);
        Assert.AreEqual(4, options.StackedFrames);
        Assert.AreEqual(30, options.NoopMax);
        Assert.IsFalse(options.EpisodicLife);
        Assert.IsFalse(options.FullActionSpace);
        Assert.AreEqual(108_000, options.MaxEpisodeFrames);
    }

    [TestMethod]
    public void RoundTripsThroughJson()
    {
        var options = new AleOptions { EpisodicLife = true, NoopMax = 7, Mode = 2, LibraryPath = "/x/libale_c.so" };
        var back = PlasticityJson.Deserialize<AleOptions>(PlasticityJson.Serialize(options));
        Assert.AreEqual(options, back);
    }

    [TestMethod]
    public void BadValuesAreRejectedNamingTheFieldAndValue()
    {
        void Rejects(AleOptions options, string field, string value)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(options.Validate);
            StringAssert.Contains(e.Message, field);
            StringAssert.Contains(e.Message, value);
        }
        Rejects(new AleOptions { RepeatActionProbability = 1.5f }, "RepeatActionProbability", "1.5");
        Rejects(new AleOptions { RepeatActionProbability = float.NaN }, "RepeatActionProbability", "NaN");
        Rejects(new AleOptions { FrameSkip = 0 }, "FrameSkip", "0");
        Rejects(new AleOptions { ObservationHeight = 211 }, "ObservationHeight", "211");
        Rejects(new AleOptions { ObservationWidth = 0 }, "ObservationWidth", "0");
        Rejects(new AleOptions { StackedFrames = 0 }, "StackedFrames", "0");
        Rejects(new AleOptions { NoopMax = -1 }, "NoopMax", "-1");
        Rejects(new AleOptions { MaxEpisodeFrames = 20 }, "MaxEpisodeFrames", "20");
        Rejects(new AleOptions { Mode = -3 }, "Mode", "-3");
    }
}
