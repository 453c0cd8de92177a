using Plasticity.ML.Reinforcement.Environments.MinAtar;
using static Plasticity.ML.Reinforcement.Environments.MinAtar.MinAtarActions;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Space Invaders' rules, on situations scripted by hand.</summary>
[TestClass]
public sealed class SpaceInvadersTests
{
    private static GameHarness<SpaceInvadersEnvironment> New(bool ramping = true) => new(MinAtarGame.SpaceInvaders, ramping: ramping);

    private static (int, int)[] Formation(int top, int left) =>
        [.. from r in Enumerable.Range(top, 4) from x in Enumerable.Range(left, 6) select (r, x)];

    [TestMethod]
    public void ResetShowsTwentyFourAliensMovingLeftAndTheCannon()
    {
        var h = New();
        CollectionAssert.AreEqual(Formation(0, 2), h.Cells("alien"));
        CollectionAssert.AreEqual(Formation(0, 2), h.Cells("alien_left"));
        Assert.AreEqual(0, h.Count("alien_right"));
        CollectionAssert.AreEqual(new[] { (9, 5) }, h.Cells("cannon"));
    }

    [TestMethod]
    public void WithoutMovingTheCannonTheFirstAlienShotKillsItOnStepSixteen()
    {
        // Step 10: the lowest alien of column 5 (row 3) fires; the shot moves down a row per step: (4,5) on step 11
        // ... (9,5), the cannon, on step 16. The formation's first move (step 12) does not touch the bullet.
        var h = New();
        for (int step = 1; step <= 15; step++)
        {
            Assert.IsFalse(h.Step(Noop).Done, $"step {step}");
            if (step >= 10) CollectionAssert.AreEqual(new[] { (step - 7, 5) }, h.Cells("enemy_bullet"), $"step {step}");
            else Assert.AreEqual(0, h.Count("enemy_bullet"));
        }
        var last = h.Step(Noop);
        Assert.IsTrue(last.Terminated);
        CollectionAssert.AreEqual(new[] { (9, 5) }, h.Cells("enemy_bullet"));
    }

    [TestMethod]
    public void TheFormationMarchesLeftEveryTwelveStepsThenDropsAndTurnsAtTheEdge()
    {
        var h = New();
        h.Game.shotTimer = 1_000_000;
        for (int step = 1; step <= 11; step++) h.Step(Noop);
        CollectionAssert.AreEqual(Formation(0, 2), h.Cells("alien"));
        h.Step(Noop);
        CollectionAssert.AreEqual(Formation(0, 1), h.Cells("alien"));
        for (int step = 13; step <= 24; step++) h.Step(Noop);
        CollectionAssert.AreEqual(Formation(0, 0), h.Cells("alien"));
        for (int step = 25; step <= 36; step++) h.Step(Noop);
        CollectionAssert.AreEqual(Formation(1, 0), h.Cells("alien"), "at the edge: down one row");
        CollectionAssert.AreEqual(Formation(1, 0), h.Cells("alien_right"), "and now moving right");
        Assert.AreEqual(0, h.Count("alien_left"));
    }

    [TestMethod]
    public void ShootingAnAlienScoresOneAndTheLastOneBringsANewFasterWave()
    {
        foreach (bool ramping in new[] { true, false })
        {
            var h = New(ramping);
            Array.Clear(h.Game.aliens);
            h.Game.aliens[5] = 1 << 5;   // one alien at (5,5)
            h.Game.moveTimer = 1_000_000;
            h.Game.shotTimer = 1_000_000;
            Assert.AreEqual(0f, h.Step(Fire).Reward);                // bullet at (9,5), moved to (8,5)
            CollectionAssert.AreEqual(new[] { (8, 5) }, h.Cells("friendly_bullet"));
            Assert.AreEqual(0f, h.Step(Noop).Reward);                // (7,5)
            Assert.AreEqual(0f, h.Step(Noop).Reward);                // (6,5)
            var hit = h.Step(Noop);                                  // (5,5): the alien
            Assert.AreEqual(1f, hit.Reward);
            Assert.IsFalse(hit.Done);
            Assert.AreEqual(0, h.Count("friendly_bullet"), "the bullet is spent");
            CollectionAssert.AreEqual(Formation(0, 2), h.Cells("alien"), "a new wave");
            Assert.AreEqual(ramping ? 11 : 12, h.Game.moveInterval);
            Assert.AreEqual(ramping ? 11 : 12, h.Game.moveTimer);
        }
    }

    [TestMethod]
    public void RampingStopsAtAMoveIntervalOfSix()
    {
        var h = New();
        h.Game.moveInterval = 6;
        Array.Clear(h.Game.aliens);
        h.Game.aliens[8] = 1 << 5;
        h.Game.moveTimer = 1_000_000;
        h.Game.shotTimer = 1_000_000;
        Assert.AreEqual(1f, h.Step(Fire).Reward);
        Assert.AreEqual(6, h.Game.moveInterval);
    }

    [TestMethod]
    public void AnAlienReachingTheBottomIsTerminal()
    {
        var h = New();
        Array.Clear(h.Game.aliens);
        h.Game.aliens[9] = 1 << 0; // at the left edge, moving left: it must drop, but it is in row 9
        h.Game.moveTimer = 1;
        h.Game.shotTimer = 1_000_000;
        Assert.IsTrue(h.Step(Noop).Terminated);
    }

    [TestMethod]
    public void AnAlienOnTheCannonIsTerminal()
    {
        var h = New();
        Array.Clear(h.Game.aliens);
        h.Game.aliens[9] = 1 << 6;
        h.Game.moveTimer = 1_000_000;
        h.Game.shotTimer = 1_000_000;
        Assert.IsTrue(h.Step(Right).Terminated);
    }

    [TestMethod]
    public void ALoneAlienMovesEveryStep()
    {
        var h = New();
        Array.Clear(h.Game.aliens);
        h.Game.aliens[0] = 1 << 5;
        h.Game.moveTimer = 1;
        h.Game.shotTimer = 1_000_000;
        for (int step = 1; step <= 3; step++)
        {
            h.Step(Noop);
            CollectionAssert.AreEqual(new[] { (0, 5 - step) }, h.Cells("alien"));
        }
    }

    [TestMethod]
    public void TheNearestColumnFiresAndTiesGoLeft()
    {
        var h = New();
        Array.Clear(h.Game.aliens);
        h.Game.aliens[2] = (1 << 3) | (1 << 7); // columns 3 and 7 are both 2 away from the cannon at 5
        h.Game.aliens[4] = 1 << 7;
        h.Game.moveTimer = 1_000_000;
        h.Game.shotTimer = 1;
        h.Step(Noop);
        CollectionAssert.AreEqual(new[] { (2, 3) }, h.Cells("enemy_bullet"));
        h.Game.shotTimer = 1;
        h.Step(Right); // cannon at 6: column 7 is nearest; its lowest alien is in row 4
        CollectionAssert.AreEqual(new[] { (3, 3), (4, 7) }, h.Cells("enemy_bullet"));
    }

    [TestMethod]
    public void TheCannonFiresAtMostEveryFiveStepsAndDoesNotMoveWhenFiring()
    {
        var h = New();
        h.Game.shotTimer = 1_000_000;
        var fired = new List<int>();
        for (int step = 1; step <= 11; step++)
        {
            h.Step(Fire);
            if (h.Cell("friendly_bullet", 8, 5)) fired.Add(step);
        }
        CollectionAssert.AreEqual(new[] { 1, 6, 11 }, fired);
        CollectionAssert.AreEqual(new[] { (9, 5) }, h.Cells("cannon"));
    }
}
