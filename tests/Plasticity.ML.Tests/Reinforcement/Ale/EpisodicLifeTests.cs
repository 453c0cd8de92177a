using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

[TestClass]
public sealed class EpisodicLifeTests
{
    [TestMethod]
    public void ALostLifeEndsTheEpisodeAndAnUnseededResetContinuesTheGame()
    {
        var life = new EpisodicLife();
        life.Begin(3);
        Assert.IsFalse(life.EndsEpisode(3, gameEnded: false), "no life lost");
        Assert.IsTrue(life.EndsEpisode(2, gameEnded: false), "3 -> 2 lives");
        Assert.IsTrue(life.ContinuesGame(seed: null, gameOver: false), "Reset(null) continues the game");
        Assert.IsFalse(life.ContinuesGame(seed: 4, gameOver: false), "a seeded reset starts a new game");
        Assert.IsFalse(life.ContinuesGame(seed: null, gameOver: true), "a game that is over starts anew");

        life.Begin(2);
        Assert.IsFalse(life.ContinuesGame(null, false), "the continued episode has lost nothing yet");
        Assert.IsFalse(life.EndsEpisode(0, gameEnded: true), "losing the last life is the game's own end, not a lost life");
        Assert.IsFalse(life.ContinuesGame(null, true));
    }

    [TestMethod]
    public void GamesWithoutLivesNeverLoseOne()
    {
        // Tetris reports 0 lives throughout; ALE's default RomSettings report 1 while playing and 0 at the end.
        var life = new EpisodicLife();
        life.Begin(0);
        Assert.IsFalse(life.EndsEpisode(0, gameEnded: false));
        life.Begin(1);
        Assert.IsFalse(life.EndsEpisode(1, gameEnded: false));
        Assert.IsFalse(life.EndsEpisode(0, gameEnded: true));
        Assert.IsFalse(life.LifeLost);
    }

    [TestMethod]
    public void OnTetrisEpisodicLifeChangesNothing()
    {
        string rom = AleTestSupport.RequireTetris();
        using var plain = AleEnvironment.Create(rom);
        using var episodic = AleEnvironment.Create(rom, new AleOptions { EpisodicLife = true });
        var a = new byte[plain.Spec.ObservationSize];
        var b = new byte[plain.Spec.ObservationSize];
        plain.Reset(2, a);
        episodic.Reset(2, b);
        var actions = new Random(3);
        for (int i = 0; i < 300; i++)
        {
            int action = actions.Next(plain.Spec.ActionCount);
            var ra = plain.Step(action, a);
            var rb = episodic.Step(action, b);
            Assert.AreEqual(ra, rb, $"step {i}");
            CollectionAssert.AreEqual(a, b, $"step {i}");
            if (ra.Done)
            {
                plain.Reset(null, a);
                episodic.Reset(null, b);
            }
        }
    }
}
