using Plasticity.ML.Reinforcement.Environments.MinAtar;
using static Plasticity.ML.Reinforcement.Environments.MinAtar.MinAtarActions;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Seaquest's rules, on situations scripted by hand (spawns held off unless a test is about them).</summary>
[TestClass]
public sealed class SeaquestTests
{
    private static GameHarness<SeaquestEnvironment> Quiet(bool ramping = true)
    {
        var h = new GameHarness<SeaquestEnvironment>(MinAtarGame.Seaquest, ramping: ramping);
        h.Game.enemySpawnTimer = 1_000_000;
        h.Game.diverSpawnTimer = 1_000_000;
        return h;
    }

    [TestMethod]
    public void ResetShowsTheSubOnTheSurfaceFacingLeftAndAFullOxygenGauge()
    {
        var h = new GameHarness<SeaquestEnvironment>(MinAtarGame.Seaquest);
        CollectionAssert.AreEqual(new[] { (0, 5) }, h.Cells("sub_front"));
        CollectionAssert.AreEqual(new[] { (0, 6) }, h.Cells("sub_back"), "behind a sub facing left");
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(x => (9, x)).ToArray(), h.Cells("oxygen_gauge"));
        Assert.AreEqual(0, h.Count("diver_gauge") + h.Count("enemy_fish") + h.Count("enemy_sub") + h.Count("diver"));
    }

    [TestMethod]
    public void RunningOutOfOxygenEndsTheEpisodeOnTheTwoHundredthStepUnderwater()
    {
        var h = Quiet();
        h.Step(Down);
        Assert.AreEqual(199, h.Game.oxygen);
        Assert.AreEqual(9, h.Count("oxygen_gauge"), "199 * 10 / 200 = 9 cells");
        for (int step = 2; step < 200; step++) Assert.IsFalse(h.Step(Noop).Done, $"step {step}");
        Assert.AreEqual(1, h.Game.oxygen);
        Assert.AreEqual(0, h.Count("oxygen_gauge"));
        var last = h.Step(Noop);
        Assert.IsTrue(last.Terminated);
        Assert.AreEqual(0f, last.Reward);
    }

    [TestMethod]
    public void SurfacingWithoutDiversIsTerminal()
    {
        var h = Quiet();
        Assert.IsFalse(h.Step(Down).Done);
        var result = h.Step(Up);
        Assert.IsTrue(result.Terminated);
        Assert.AreEqual(0f, result.Reward);
    }

    [TestMethod]
    public void StayingOnTheSurfaceFromTheStartIsNotASurfacing()
    {
        var h = Quiet();
        for (int i = 0; i < 300; i++) Assert.IsFalse(h.Step(Noop).Done);
        Assert.AreEqual(200, h.Game.oxygen, "no oxygen is used on the surface");
    }

    [TestMethod]
    public void SurfacingWithSixDiversScoresOxygenTimesTenOverTwoHundred()
    {
        var h = Quiet();
        h.Game.divers = 6;
        h.Step(Down);                                   // oxygen 199
        CollectionAssert.AreEqual(Enumerable.Range(3, 6).Select(x => (9, x)).ToArray(), h.Cells("diver_gauge"), "6 cells ending at column 8");
        for (int i = 0; i < 36; i++) h.Step(Noop);      // oxygen 163
        Assert.AreEqual(163, h.Game.oxygen);
        var result = h.Step(Up);                        // surfaces: not charged for this step
        Assert.IsFalse(result.Done);
        Assert.AreEqual(8f, result.Reward, "163 * 10 / 200 = 8 (integer division)");
        Assert.AreEqual(0, h.Game.divers);
        Assert.AreEqual(200, h.Game.oxygen);
        Assert.AreEqual(0, h.Count("diver_gauge"));

        // The count is 0 (not MinAtar's -1), so the next surfacing without divers is terminal.
        h.Step(Down);
        Assert.IsTrue(h.Step(Up).Terminated);
    }

    [TestMethod]
    public void SurfacingWithSomeDiversCostsOneDiverAndRefillsOxygen()
    {
        var h = Quiet();
        h.Game.divers = 3;
        h.Step(Down);
        h.Step(Down);
        h.Step(Up);
        var result = h.Step(Up);
        Assert.IsFalse(result.Done);
        Assert.AreEqual(0f, result.Reward);
        Assert.AreEqual(2, h.Game.divers);
        Assert.AreEqual(200, h.Game.oxygen);
        CollectionAssert.AreEqual(new[] { (9, 7), (9, 8) }, h.Cells("diver_gauge"));
    }

    [TestMethod]
    public void RampingHappensAtEachSurfacing()
    {
        Assert.AreEqual((19, 5), Surface(1, ramping: true));
        Assert.AreEqual((18, 4), Surface(2, ramping: true));
        Assert.AreEqual((17, 4), Surface(3, ramping: true));
        Assert.AreEqual((20, 5), Surface(3, ramping: false));

        static (int, int) Surface(int times, bool ramping)
        {
            var h = Quiet(ramping);
            h.Game.divers = 5;
            for (int i = 0; i < times; i++)
            {
                h.Step(Down);
                Assert.IsFalse(h.Step(Up).Done);
            }
            return (h.Game.enemySpawnInterval, h.Game.moveInterval);
        }
    }

    [TestMethod]
    public void AFriendlyBulletKillsAFishForOne()
    {
        var h = Quiet();
        h.Step(Down);                                           // sub at (1,5), facing left
        h.Game.enemyMoveTimer = 1_000_000;
        h.Game.enemies.Add(2, 1, 1, isSub: false);              // a fish at (1,2)
        Assert.AreEqual(0f, h.Step(Fire).Reward);               // bullet launched from (1,5), shows at (1,4)
        CollectionAssert.AreEqual(new[] { (1, 4) }, h.Cells("friendly_bullet"));
        Assert.AreEqual(0f, h.Step(Noop).Reward);               // (1,3)
        var hit = h.Step(Noop);                                 // (1,2): the fish
        Assert.AreEqual(1f, hit.Reward);
        Assert.AreEqual(0, h.Game.enemies.Count);
        Assert.AreEqual(0, h.Count("friendly_bullet") + h.Count("enemy_fish"));
    }

    [TestMethod]
    public void TheShotCooldownIsFiveSteps()
    {
        var h = Quiet();
        h.Step(Down);
        var fired = new List<int>();
        for (int step = 1; step <= 11; step++)
        {
            h.Step(Fire);
            if (h.Game.cooldown == SeaquestEnvironment.ShotCooldown) fired.Add(step); // set by a shot, counted down from the next step
        }
        CollectionAssert.AreEqual(new[] { 1, 6, 11 }, fired);
    }

    [TestMethod]
    public void AFishSwimmingIntoTheSubIsTerminal()
    {
        var h = Quiet();
        h.Step(Down);
        h.Game.enemies.Add(4, 1, 1, isSub: false);
        h.Game.enemyMoveTimer = 1;
        Assert.IsTrue(h.Step(Noop).Terminated);
    }

    [TestMethod]
    public void AnEnemyBulletReachingTheSubIsTerminal()
    {
        var h = Quiet();
        h.Step(Down);
        h.Game.enemyBullets.Add(3, 1, 1);
        Assert.IsFalse(h.Step(Noop).Done);  // (1,4)
        Assert.IsTrue(h.Step(Noop).Terminated);
    }

    [TestMethod]
    public void AnEnemySubFiresEveryTenSteps()
    {
        var h = Quiet();
        h.Game.enemyMoveTimer = 1_000_000;
        h.Game.enemies.Add(9, 6, -1, isSub: true, timer: 10);
        for (int step = 1; step <= 9; step++)
        {
            h.Step(Noop);
            Assert.AreEqual(0, h.Game.enemyBullets.Count, $"step {step}");
        }
        h.Step(Noop);
        CollectionAssert.AreEqual(new[] { (6, 8) }, h.Cells("enemy_bullet"), "fired from (6,9) and moved one cell left");
    }

    [TestMethod]
    public void TouchingADiverPicksItUp()
    {
        var h = Quiet();
        h.Step(Down);
        h.Game.diverList.Add(4, 1, 1);
        h.Game.diverMoveTimer = 1;
        Assert.IsFalse(h.Step(Noop).Done);
        Assert.AreEqual(1, h.Game.divers);
        Assert.AreEqual(0, h.Count("diver"));
        CollectionAssert.AreEqual(new[] { (9, 8) }, h.Cells("diver_gauge"));
    }

    [TestMethod]
    public void ASubWithSixDiversLeavesTheSeventhInTheWater()
    {
        var h = Quiet();
        h.Game.divers = 6;
        h.Step(Down);
        h.Game.diverList.Add(4, 1, 1);
        h.Game.diverMoveTimer = 1;
        h.Step(Noop);
        Assert.AreEqual(6, h.Game.divers);
        Assert.AreEqual(1, h.Count("diver"));
    }

    [TestMethod]
    public void AnEnemyNeverSpawnsAgainstTheDirectionOfAnotherInItsRow()
    {
        for (long seed = 0; seed < 60; seed++)
        {
            var h = new GameHarness<SeaquestEnvironment>(MinAtarGame.Seaquest, seed: seed);
            h.Game.diverSpawnTimer = 1_000_000;
            h.Game.enemyMoveTimer = 1_000_000;
            for (int row = 1; row <= 8; row++) h.Game.enemies.Add(5, row, 1, isSub: false); // all move right
            h.Game.enemySpawnTimer = 1;
            h.Step(Noop);
            var enemies = h.Game.enemies.Items.Take(h.Game.enemies.Count).ToList();
            Assert.IsTrue(enemies.Count is 8 or 9, $"seed {seed}");
            if (enemies.Count == 9) Assert.IsTrue(enemies[8].X == 0 && enemies[8].Dx == 1, $"seed {seed}: only a right-moving enemy may join");
        }
    }

    [TestMethod]
    public void TheFirstEnemyComesOnStepTwentyAndTheFirstDiverOnStepThirty()
    {
        var h = new GameHarness<SeaquestEnvironment>(MinAtarGame.Seaquest);
        for (int step = 1; step <= 19; step++) h.Step(Noop);
        Assert.AreEqual(0, h.Game.enemies.Count);
        h.Step(Noop);
        Assert.AreEqual(1, h.Game.enemies.Count);
        for (int step = 21; step <= 29; step++) h.Step(Noop);
        Assert.AreEqual(0, h.Game.diverList.Count);
        h.Step(Noop);
        Assert.AreEqual(1, h.Game.diverList.Count);
    }
}
