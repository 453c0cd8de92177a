using Plasticity.ML.Reinforcement.Environments.MinAtar;
using static Plasticity.ML.Reinforcement.Environments.MinAtar.MinAtarActions;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Freeway's rules, on situations scripted by hand.</summary>
[TestClass]
public sealed class FreewayTests
{
    private static GameHarness<FreewayEnvironment> New(long seed = 1) => new(MinAtarGame.Freeway, seed: seed);

    private static void SetCar(FreewayEnvironment game, int row, int column, int dx, int period, int timer)
    {
        game.carX[row] = column;
        game.carDx[row] = dx;
        game.carPeriod[row] = period;
        game.carTimer[row] = timer;
    }

    [TestMethod]
    public void ResetPutsTheChickenInRowNineAndACarAtColumnZeroOfEveryLane()
    {
        var h = New();
        CollectionAssert.AreEqual(new[] { (9, 4) }, h.Cells("chicken"));
        CollectionAssert.AreEqual(Enumerable.Range(1, 8).Select(r => (r, 0)).ToArray(), h.Cells("car"));
        for (int row = 1; row <= 8; row++)
        {
            int period = h.Game.carPeriod[row];
            Assert.IsTrue(period is >= 1 and <= 5);
            int trail = h.Game.carDx[row] == 1 ? 9 : 1; // the cell behind, wrapping
            Assert.IsTrue(h.Cell($"speed{period}", row, trail), $"row {row}");
        }
        Assert.AreEqual(8, Enumerable.Range(1, 5).Sum(k => h.Count($"speed{k}")));
    }

    [TestMethod]
    public void TheEpisodeEndsAfterExactly2500Steps()
    {
        var h = New();
        for (int step = 1; step < FreewayEnvironment.EpisodeLength; step++)
        {
            var result = h.Step(Noop);
            Assert.IsFalse(result.Done, $"step {step}");
            Assert.AreEqual(0f, result.Reward);
        }
        var last = h.Step(Noop);
        Assert.IsTrue(last.Terminated);
        Assert.IsFalse(last.Truncated);
        Assert.AreEqual(2500, h.Game.EpisodeSteps);
    }

    [TestMethod]
    public void CrossingScoresOneAndSendsTheChickenBackToRowNine()
    {
        // Every car at column 0 moving left once per 5 steps: columns 9, 8, 7, 6, 5 on steps 5..25, never column 4.
        // The chicken moves up on steps 1, 4, 7, ..., 25 (every 3 steps) and reaches row 0 on step 25.
        var h = New();
        for (int row = 1; row <= 8; row++) SetCar(h.Game, row, 0, dx: -1, period: 5, timer: 5);
        for (int step = 1; step <= 24; step++)
        {
            var result = h.Step(Up);
            Assert.AreEqual(0f, result.Reward, $"step {step}");
            int expectedRow = 9 - (1 + (step - 1) / 3);
            CollectionAssert.AreEqual(new[] { (expectedRow, 4) }, h.Cells("chicken"), $"step {step}");
        }
        var crossing = h.Step(Up);
        Assert.AreEqual(1f, crossing.Reward);
        Assert.IsFalse(crossing.Terminated);
        CollectionAssert.AreEqual(new[] { (9, 4) }, h.Cells("chicken"));
        for (int row = 1; row <= 8; row++)
        {
            // Cars reached column 6 on step 20; the crossing re-draws them before step 25's car move, so only a car
            // whose new period is 1 moves on (its timer restarts at the new period).
            Assert.AreEqual(h.Game.carPeriod[row] == 1 ? 6 + h.Game.carDx[row] : 6, h.Game.carX[row], $"row {row}");
        }
    }

    [TestMethod]
    public void ACarMovingIntoTheChickenSendsItBackAndIsNotTerminal()
    {
        var h = New();
        for (int row = 1; row <= 8; row++) SetCar(h.Game, row, 0, dx: -1, period: 5, timer: 5);
        SetCar(h.Game, 8, 5, dx: -1, period: 1, timer: 1); // moves onto column 4 this step
        var result = h.Step(Up);
        Assert.IsFalse(result.Done);
        Assert.AreEqual(0f, result.Reward);
        CollectionAssert.AreEqual(new[] { (9, 4) }, h.Cells("chicken"));
        Assert.IsTrue(h.Cell("car", 8, 4));
    }

    [TestMethod]
    public void SteppingIntoAStandingCarSendsTheChickenBack()
    {
        var h = New();
        for (int row = 1; row <= 8; row++) SetCar(h.Game, row, 0, dx: -1, period: 5, timer: 5);
        SetCar(h.Game, 8, 4, dx: 1, period: 5, timer: 5); // does not move this step
        h.Step(Up);
        CollectionAssert.AreEqual(new[] { (9, 4) }, h.Cells("chicken"));
    }

    [TestMethod]
    public void CarsWrapAroundAndMoveOnceEveryPeriod()
    {
        var h = New();
        SetCar(h.Game, 3, 9, dx: 1, period: 2, timer: 2);
        h.Step(Noop);
        Assert.IsTrue(h.Cell("car", 3, 9));
        h.Step(Noop);
        Assert.IsTrue(h.Cell("car", 3, 0), "wrapped");
        Assert.IsTrue(h.Cell("speed2", 3, 9), "trail behind, in the channel of period 2");
    }
}
