using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Bad input to the MinAtar games and the environment catalog: clear exceptions naming the value.</summary>
[TestClass]
public sealed class EnvironmentBadInputTests
{
    [TestMethod]
    public void AnActionOutOfRangeNamesTheActionAndTheRange()
    {
        using var env = MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.Freeway, MinimalActions = true });
        var observation = new byte[env.Spec.ObservationSize];
        env.Reset(0, observation);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => env.Step(3, observation));
        StringAssert.Contains(e.Message, "3 actions (0 to 2); got action 3");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => env.Step(-1, observation));
    }

    [TestMethod]
    public void SteppingAfterTheEpisodeEndedOrBeforeAnyResetIsAnError()
    {
        using var env = MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.SpaceInvaders });
        var observation = new byte[env.Spec.ObservationSize];
        var early = Assert.ThrowsExactly<InvalidOperationException>(() => env.Step(0, observation));
        StringAssert.Contains(early.Message, "call Reset before the first Step");
        env.Reset(0, observation);
        int steps = 0;
        while (!env.Step(0, observation).Done) steps++;
        var late = Assert.ThrowsExactly<InvalidOperationException>(() => env.Step(0, observation));
        StringAssert.Contains(late.Message, $"ended after {steps + 1} steps");
        env.Reset(null, observation);
        env.Step(0, observation); // a reset starts a new episode
    }

    [TestMethod]
    public void AWrongObservationBufferSizeNamesBothSizes()
    {
        using var env = MinAtarEnvironment.Create(new MinAtarOptions { Game = MinAtarGame.Seaquest });
        var reset = Assert.ThrowsExactly<ArgumentException>(() => env.Reset(0, new byte[400]));
        StringAssert.Contains(reset.Message, "1000 bytes ([10, 10, 10]); the buffer has 400");
        env.Reset(0, new byte[1000]);
        Assert.ThrowsExactly<ArgumentException>(() => env.Step(0, new byte[1001]));
    }

    [TestMethod]
    public void BadOptionsNameTheField()
    {
        foreach (double p in new[] { -0.1, 1.5, double.NaN })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MinAtarEnvironment.Create(new MinAtarOptions { StickyActionProbability = p }));
            StringAssert.Contains(e.Message, "StickyActionProbability must be a probability in [0, 1]");
            Assert.AreEqual("StickyActionProbability", e.ParamName);
        }
        var game = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MinAtarEnvironment.Create(new MinAtarOptions { Game = (MinAtarGame)42 }));
        StringAssert.Contains(game.Message, "Game must be one of");
    }

    [TestMethod]
    public void TheCatalogResolvesMinAtarNamesAndRefusesAleGamesInThisBuild()
    {
        using (var env = EnvironmentCatalog.Create("space_invaders"))
            Assert.AreEqual("minatar:space_invaders", env.Spec.Name);
        using (var env = (MinAtarEnvironment)EnvironmentCatalog.Create("minatar:Seaquest", new EnvironmentRequest { StickyActions = false, DifficultyRamping = false, MinimalActions = true }))
        {
            Assert.AreEqual(MinAtarGame.Seaquest, env.Options.Game);
            Assert.AreEqual(0, env.Options.StickyActionProbability);
            Assert.IsFalse(env.Options.DifficultyRamping);
            Assert.IsTrue(env.Options.MinimalActions);
        }
        using (var env = (MinAtarEnvironment)EnvironmentCatalog.Create("breakout"))
            Assert.AreEqual(0.1, env.Options.StickyActionProbability);

        var ale = Assert.ThrowsExactly<ArgumentException>(() => EnvironmentCatalog.Create("ale:tetris"));
        StringAssert.Contains(ale.Message, "give the path of its ROM");
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => EnvironmentCatalog.Create("pong"));
        StringAssert.Contains(unknown.Message, "Unknown environment 'pong'");
        var rom = Assert.ThrowsExactly<ArgumentException>(() => EnvironmentCatalog.Create("breakout", new EnvironmentRequest { RomPath = "x.bin" }));
        StringAssert.Contains(rom.Message, "applies only to 'ale:' games");
    }
}
