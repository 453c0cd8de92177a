using Plasticity.ML.Reinforcement.Environments.MinAtar;
using static Plasticity.ML.Reinforcement.Environments.MinAtar.MinAtarActions;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Breakout's rules, on situations scripted by hand (expected values worked out from the rules).</summary>
[TestClass]
public sealed class BreakoutTests
{
    private static GameHarness<BreakoutEnvironment> New(long seed = 1) => new(MinAtarGame.Breakout, seed: seed);

    private static void PlaceBall(BreakoutEnvironment game, int row, int column, int dx, int dy)
    {
        game.ballY = row;
        game.ballX = column;
        game.ballDx = dx;
        game.ballDy = dy;
    }

    [TestMethod]
    public void ResetLaysOutThirtyBricksThePaddleAndTheBallInRowThree()
    {
        var h = New();
        Assert.AreEqual(30, h.Count("brick"));
        for (int row = 1; row <= 3; row++)
            for (int x = 0; x < 10; x++) Assert.IsTrue(h.Cell("brick", row, x));
        CollectionAssert.AreEqual(new[] { (9, 4) }, h.Cells("paddle"));
        var ball = h.Cells("ball").Single();
        Assert.IsTrue(ball == (3, 0) || ball == (3, 9), $"ball at {ball}");
        CollectionAssert.AreEqual(new[] { ball }, h.Cells("trail"), "no previous cell yet: the trail is the ball's own cell");
        Assert.AreEqual(ball.Column == 0 ? 1 : -1, h.Game.ballDx, "column 0 moves right, column 9 moves left");
        Assert.AreEqual(1, h.Game.ballDy);
    }

    [TestMethod]
    public void BothStartingSidesOccurOverSeeds()
    {
        var columns = Enumerable.Range(0, 40).Select(s => New(s).Game.ballX).ToHashSet();
        CollectionAssert.AreEquivalent(new[] { 0, 9 }, columns.ToArray());
    }

    [TestMethod]
    public void WithoutMovingThePaddleTheBallFromColumnZeroIsLostOnStepSix()
    {
        // (3,0) moving down-right: (4,1) (5,2) (6,3) (7,4) (8,5), then row 9 at column 6: the paddle (column 4) is
        // under neither the current column 5 nor the next column 6.
        var h = Enumerable.Range(0, 40).Select(s => New(s)).First(x => x.Game.ballX == 0);
        for (int step = 1; step <= 5; step++)
        {
            var result = h.Step(Noop);
            Assert.IsFalse(result.Terminated, $"step {step}");
            Assert.AreEqual(0f, result.Reward);
            CollectionAssert.AreEqual(new[] { (3 + step, step) }, h.Cells("ball"), $"step {step}");
        }
        Assert.IsTrue(h.Step(Noop).Terminated);
        CollectionAssert.AreEqual(new[] { (9, 6) }, h.Cells("ball"));
        CollectionAssert.AreEqual(new[] { (8, 5) }, h.Cells("trail"));
    }

    [TestMethod]
    public void EnteringABrickBreaksItScoresOneAndReversesTheBall()
    {
        var h = New();
        PlaceBall(h.Game, 5, 5, dx: 1, dy: -1);
        var first = h.Step(Noop); // (5,5) -> (4,6): no brick in row 4
        Assert.AreEqual(0f, first.Reward);
        var hit = h.Step(Noop);   // (4,6) -> (3,7): a brick
        Assert.AreEqual(1f, hit.Reward);
        Assert.IsFalse(hit.Terminated);
        Assert.IsFalse(h.Cell("brick", 3, 7));
        Assert.AreEqual(29, h.Count("brick"));
        CollectionAssert.AreEqual(new[] { (4, 7) }, h.Cells("ball"), "the ball stays in its previous row");
        CollectionAssert.AreEqual(new[] { (4, 6) }, h.Cells("trail"));
        Assert.AreEqual(1, h.Game.ballDy, "vertical direction reversed");
        Assert.AreEqual(1, h.Game.ballDx, "horizontal direction kept");
        h.Step(Noop);
        CollectionAssert.AreEqual(new[] { (5, 8) }, h.Cells("ball"));
    }

    [TestMethod]
    public void TheStrikeLatchLetsTheBallIntoABrickRightAfterABreak()
    {
        var h = New();
        PlaceBall(h.Game, 4, 6, dx: 1, dy: -1);
        h.Game.strike = true; // as if the previous step broke a brick
        var pass = h.Step(Noop);
        Assert.AreEqual(0f, pass.Reward);
        CollectionAssert.AreEqual(new[] { (3, 7) }, h.Cells("ball"));
        Assert.IsTrue(h.Cell("brick", 3, 7), "the latched step does not break the brick");
        var next = h.Step(Noop); // (3,7) -> (2,8): a brick, and the latch cleared
        Assert.AreEqual(1f, next.Reward);
        Assert.IsFalse(h.Cell("brick", 2, 8));
        CollectionAssert.AreEqual(new[] { (3, 8) }, h.Cells("ball"));
    }

    [TestMethod]
    public void ABreakSetsTheLatchSoTheBrickEnteredOnTheNextStepSurvives()
    {
        // The ball sits in a gap at (2,4) moving down-right. Step 1: it breaks (3,5) and stays in row 2, at (2,5)
        // (over a brick), now moving up. Step 2: it enters the brick at (1,6), which the latch protects. Step 3: row 0.
        // Step 4: the top wall keeps it in row 0 at (0,8), now moving down. Step 5: the brick at (1,9) breaks.
        var h = New();
        h.Game.bricks[2] &= unchecked((ushort)~(1 << 4));
        PlaceBall(h.Game, 2, 4, dx: 1, dy: 1);
        Assert.AreEqual(1f, h.Step(Noop).Reward);
        CollectionAssert.AreEqual(new[] { (2, 5) }, h.Cells("ball"));
        Assert.IsFalse(h.Cell("brick", 3, 5));
        Assert.AreEqual(0f, h.Step(Noop).Reward);
        CollectionAssert.AreEqual(new[] { (1, 6) }, h.Cells("ball"));
        Assert.IsTrue(h.Cell("brick", 1, 6), "protected by the latch");
        Assert.AreEqual(0f, h.Step(Noop).Reward);
        CollectionAssert.AreEqual(new[] { (0, 7) }, h.Cells("ball"));
        Assert.AreEqual(0f, h.Step(Noop).Reward);
        CollectionAssert.AreEqual(new[] { (0, 8) }, h.Cells("ball"));
        Assert.AreEqual(1f, h.Step(Noop).Reward);
        Assert.IsFalse(h.Cell("brick", 1, 9));
        CollectionAssert.AreEqual(new[] { (0, 9) }, h.Cells("ball"));
        Assert.AreEqual(27, h.Count("brick"), "30 - the gap - two breaks");
    }

    [TestMethod]
    public void ThePaddleUnderTheCurrentColumnBouncesTheBallStraightBack()
    {
        var h = New();
        PlaceBall(h.Game, 8, 4, dx: 1, dy: 1); // paddle at column 4
        var result = h.Step(Noop);
        Assert.IsFalse(result.Terminated);
        CollectionAssert.AreEqual(new[] { (8, 5) }, h.Cells("ball"));
        Assert.AreEqual((1, -1), (h.Game.ballDx, h.Game.ballDy));
    }

    [TestMethod]
    public void ThePaddleUnderTheNextColumnBouncesTheBallAndFlipsItsHorizontalDirection()
    {
        var h = New();
        PlaceBall(h.Game, 8, 3, dx: 1, dy: 1);
        var result = h.Step(Noop);
        Assert.IsFalse(result.Terminated);
        CollectionAssert.AreEqual(new[] { (8, 4) }, h.Cells("ball"));
        Assert.AreEqual((-1, -1), (h.Game.ballDx, h.Game.ballDy));
    }

    [TestMethod]
    public void MovingThePaddleUnderTheBallSavesIt()
    {
        var h = New();
        PlaceBall(h.Game, 8, 5, dx: 1, dy: 1); // would land at (9,6)
        var result = h.Step(Right);            // paddle 4 -> 5: under the current column
        Assert.IsFalse(result.Terminated);
        CollectionAssert.AreEqual(new[] { (9, 5) }, h.Cells("paddle"));
        CollectionAssert.AreEqual(new[] { (8, 6) }, h.Cells("ball"));
    }

    [TestMethod]
    public void ClearingEveryBrickRefillsThemWhenTheBallReachesTheBottom()
    {
        var h = New();
        Array.Clear(h.Game.bricks);
        PlaceBall(h.Game, 8, 4, dx: 1, dy: 1);
        h.Step(Noop);
        Assert.AreEqual(30, h.Count("brick"));
    }

    [TestMethod]
    public void WallsReflectTheBall()
    {
        var h = New();
        PlaceBall(h.Game, 5, 9, dx: 1, dy: 1);
        h.Step(Noop);
        CollectionAssert.AreEqual(new[] { (6, 9) }, h.Cells("ball"), "stays in the edge column");
        Assert.AreEqual(-1, h.Game.ballDx);
        h.Step(Noop);
        CollectionAssert.AreEqual(new[] { (7, 8) }, h.Cells("ball"));

        Array.Clear(h.Game.bricks);
        PlaceBall(h.Game, 0, 5, dx: -1, dy: -1);
        h.Step(Noop);
        CollectionAssert.AreEqual(new[] { (0, 4) }, h.Cells("ball"), "stays in row 0");
        Assert.AreEqual(1, h.Game.ballDy);
    }

    [TestMethod]
    public void ThePaddleStopsAtTheWalls()
    {
        var h = New();
        PlaceBall(h.Game, 0, 5, dx: 1, dy: -1); // keeps the ball away from the bottom for 6 steps
        Array.Clear(h.Game.bricks);
        for (int i = 0; i < 6; i++) h.Step(Left);
        CollectionAssert.AreEqual(new[] { (9, 0) }, h.Cells("paddle"));
    }
}
