using Plasticity.ML.Reinforcement.Environments.MinAtar;
using static Plasticity.ML.Reinforcement.Environments.MinAtar.MinAtarActions;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Asterix's rules, on situations scripted by hand.</summary>
[TestClass]
public sealed class AsterixTests
{
    private static GameHarness<AsterixEnvironment> New(bool ramping = true, long seed = 1) => new(MinAtarGame.Asterix, ramping: ramping, seed: seed);

    private static void Place(AsterixEnvironment game, int row, int column, int dx, bool gold)
    {
        game.active[row] = true;
        game.entityX[row] = column;
        game.entityDx[row] = dx;
        game.gold[row] = gold;
    }

    [TestMethod]
    public void ThePlayerStartsAtFiveFiveAndTheFirstEntityComesOnStepTen()
    {
        var h = New();
        CollectionAssert.AreEqual(new[] { (5, 5) }, h.Cells("player"));
        for (int step = 1; step <= 9; step++)
        {
            h.Step(Noop);
            Assert.AreEqual(0, h.Count("enemy") + h.Count("gold"), $"step {step}");
        }
        Assert.IsFalse(h.Step(Noop).Terminated);
        var entity = h.Cells("enemy").Concat(h.Cells("gold")).Single();
        Assert.IsTrue(entity.Row is >= 1 and <= 8);
        // Step 10 is also a move step (every 5): the entity entered at column 0 or 9 and moved one column inwards.
        Assert.IsTrue(entity.Column is 1 or 8, $"entity at {entity}");
        CollectionAssert.AreEqual(new[] { (entity.Row, entity.Column == 1 ? 0 : 9) }, h.Cells("trail"));
    }

    [TestMethod]
    public void TouchingGoldScoresOneAndRemovesIt()
    {
        var h = New();
        h.Game.spawnTimer = 1000;
        h.Game.moveTimer = 1000;
        Place(h.Game, 5, 6, dx: -1, gold: true);
        var result = h.Step(Right);
        Assert.AreEqual(1f, result.Reward);
        Assert.IsFalse(result.Terminated);
        Assert.AreEqual(0, h.Count("gold"));
        CollectionAssert.AreEqual(new[] { (5, 6) }, h.Cells("player"));
    }

    [TestMethod]
    public void GoldMovingOntoThePlayerScoresToo()
    {
        var h = New();
        h.Game.spawnTimer = 1000;
        h.Game.moveTimer = 1; // the entities move this step
        Place(h.Game, 5, 6, dx: -1, gold: true);
        var result = h.Step(Noop);
        Assert.AreEqual(1f, result.Reward);
        Assert.AreEqual(0, h.Count("gold"));
    }

    [TestMethod]
    public void TouchingAnEnemyIsTerminal()
    {
        var h = New();
        h.Game.spawnTimer = 1000;
        h.Game.moveTimer = 1000;
        Place(h.Game, 4, 5, dx: 1, gold: false);
        var result = h.Step(Up);
        Assert.IsTrue(result.Terminated);
        Assert.AreEqual(0f, result.Reward);
        Assert.IsTrue(h.Cell("player", 4, 5) && h.Cell("enemy", 4, 5));
    }

    [TestMethod]
    public void AnEnemyMovingOntoThePlayerIsTerminal()
    {
        var h = New();
        h.Game.spawnTimer = 1000;
        h.Game.moveTimer = 1;
        Place(h.Game, 5, 4, dx: 1, gold: false);
        Assert.IsTrue(h.Step(Noop).Terminated);
    }

    [TestMethod]
    public void EntitiesLeaveAtTheEdge()
    {
        var h = New();
        h.Game.spawnTimer = 1000;
        h.Game.moveTimer = 1;
        Place(h.Game, 2, 9, dx: 1, gold: false);
        h.Step(Noop);
        Assert.IsFalse(h.Game.active[2]);
        Assert.AreEqual(0, h.Count("enemy") + h.Count("trail"));
    }

    [TestMethod]
    public void ThePlayerStaysInRowsOneToEight()
    {
        var h = New();
        h.Game.spawnTimer = 1000;
        for (int i = 0; i < 6; i++) h.Step(Up);
        CollectionAssert.AreEqual(new[] { (1, 5) }, h.Cells("player"));
        for (int i = 0; i < 9; i++) h.Step(Down);
        CollectionAssert.AreEqual(new[] { (8, 5) }, h.Cells("player"));
    }

    [TestMethod]
    public void RampingShortensTheSpawnIntervalEveryHundredStepsAndTheMoveIntervalEveryOtherRamp()
    {
        var ramped = Run(ramping: true);
        CollectionAssert.AreEqual(new[] { (10, 5), (9, 5), (8, 4), (7, 4), (6, 3) }, ramped);
        var flat = Run(ramping: false);
        Assert.IsTrue(flat.All(x => x == (10, 5)));

        static List<(int, int)> Run(bool ramping)
        {
            var h = New(ramping);
            var intervals = new List<(int, int)> { (h.Game.spawnInterval, h.Game.moveInterval) };
            for (int step = 1; step <= 400; step++)
            {
                h.Game.spawnTimer = 1000; // nothing spawns, so nothing ends the episode
                h.Step(Noop);
                if (step % 100 == 0) intervals.Add((h.Game.spawnInterval, h.Game.moveInterval));
            }
            return intervals;
        }
    }
}
