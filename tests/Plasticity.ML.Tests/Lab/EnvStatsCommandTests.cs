using System.Text.Json;

namespace Plasticity.ML.Tests.Lab;

/// <summary>The lab's env-stats command, run in-process, on policies whose statistics follow from the rules.</summary>
[TestClass]
public sealed class EnvStatsCommandTests
{
    private static JsonElement Run(params string[] args)
    {
        string file = Path.Combine(Path.GetTempPath(), "env-stats-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var (exit, output) = LabRunner.Run([.. args, "--json", file]);
            Assert.AreEqual(0, exit, output);
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestMethod]
    public void FreewayUnderNoopScoresNothingForTwoThousandFiveHundredSteps()
    {
        var json = Run("env-stats", "--game", "freeway", "--policy", "constant:0", "--episodes", "2", "--seed", "3");
        CollectionAssert.AreEqual(new[] { "game", "policy", "episodes", "returns", "lengths", "channels" }, json.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual("freeway", json.GetProperty("game").GetString());
        Assert.AreEqual("constant:0", json.GetProperty("policy").GetString());
        Assert.AreEqual(2, json.GetProperty("episodes").GetInt32());
        CollectionAssert.AreEqual(new[] { 0.0, 0.0 }, json.GetProperty("returns").EnumerateArray().Select(r => r.GetDouble()).ToArray());
        CollectionAssert.AreEqual(new[] { 2500, 2500 }, json.GetProperty("lengths").EnumerateArray().Select(l => l.GetInt32()).ToArray());
        var channels = json.GetProperty("channels");
        CollectionAssert.AreEqual(new[] { "chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5" }, channels.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(1.0, channels.GetProperty("chicken").GetDouble(), 1e-12, "one chicken in every state");
        Assert.AreEqual(8.0, channels.GetProperty("car").GetDouble(), 1e-12, "a car in each of the eight lanes");
        double trails = Enumerable.Range(1, 5).Sum(k => channels.GetProperty($"speed{k}").GetDouble());
        Assert.AreEqual(8.0, trails, 1e-12, "one trail cell per car, in its speed channel");
    }

    [TestMethod]
    public void SpaceInvadersUnderNoopLosesToTheFirstAlienShotOnStepSixteen()
    {
        // The game is deterministic under noop (sticky actions repeat noop): the lowest alien of column 5 fires on
        // step 10 and its shot reaches the cannon on step 16. States s_0..s_16 all show 24 aliens moving left and the
        // cannon; the enemy bullet shows in s_10..s_16, 7 of the 17 states.
        var json = Run("env-stats", "--game", "space_invaders", "--policy", "constant:0", "--episodes", "3", "--seed", "11");
        CollectionAssert.AreEqual(new[] { 0.0, 0.0, 0.0 }, json.GetProperty("returns").EnumerateArray().Select(r => r.GetDouble()).ToArray());
        CollectionAssert.AreEqual(new[] { 16, 16, 16 }, json.GetProperty("lengths").EnumerateArray().Select(l => l.GetInt32()).ToArray());
        var channels = json.GetProperty("channels");
        Assert.AreEqual(1.0, channels.GetProperty("cannon").GetDouble(), 1e-12);
        Assert.AreEqual(24.0, channels.GetProperty("alien").GetDouble(), 1e-12);
        Assert.AreEqual(24.0, channels.GetProperty("alien_left").GetDouble(), 1e-12);
        Assert.AreEqual(0.0, channels.GetProperty("alien_right").GetDouble(), 1e-12);
        Assert.AreEqual(0.0, channels.GetProperty("friendly_bullet").GetDouble(), 1e-12);
        Assert.AreEqual(7.0 / 17, channels.GetProperty("enemy_bullet").GetDouble(), 1e-12);
    }

    [TestMethod]
    public void RandomPoliciesAreRepeatableFromTheSeed()
    {
        var first = Run("env-stats", "--game", "breakout", "--policy", "random-minimal", "--episodes", "5", "--seed", "7");
        var again = Run("env-stats", "--game", "minatar:breakout", "--policy", "random-minimal", "--episodes", "5", "--seed", "7", "--no-ramping");
        Assert.AreEqual(first.GetProperty("returns").GetRawText(), again.GetProperty("returns").GetRawText());
        Assert.AreEqual(first.GetProperty("lengths").GetRawText(), again.GetProperty("lengths").GetRawText());
        var lengths = first.GetProperty("lengths").EnumerateArray().Select(l => l.GetInt32()).ToArray();
        Assert.IsTrue(lengths.All(l => l is >= 6 and <= 10_000));
        Assert.AreEqual(1.0, first.GetProperty("channels").GetProperty("paddle").GetDouble(), 1e-12);
    }

    [TestMethod]
    public void BadArgumentsFailWithAClearMessage()
    {
        var (exit, output) = LabRunner.Run("env-stats", "--game", "ale:tetris");
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "give the path of its ROM (--rom PATH)");

        (exit, output) = LabRunner.Run("env-stats", "--game", "freeway", "--policy", "constant:6");
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "actions 0 to 5; got 6");

        (exit, output) = LabRunner.Run("env-stats", "--game", "freeway", "--policy", "greedy");
        Assert.AreNotEqual(0, exit, output);
        StringAssert.Contains(output, "Unknown policy 'greedy'");

        (exit, output) = LabRunner.Run("env-stats", "--game", "freeway", "--episodes", "0");
        Assert.AreNotEqual(0, exit, output);
        StringAssert.Contains(output, "--episodes must be positive; got 0");

        (exit, output) = LabRunner.Run("env-stats", "--game", "pong");
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "Unknown environment 'pong'");

        (exit, output) = LabRunner.Run("env-stats", "--game", "breakout", "--rom", "x.bin");
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "applies only to 'ale:' games");
    }

    [TestMethod]
    public void AleGamesRunThroughTheSameCommand()
    {
        string rom = Reinforcement.Ale.AleTestSupport.RequireTetris();
        var stats = Run("env-stats", "--game", "ale:tetris", "--rom", rom, "--policy", "random-minimal", "--episodes", "2", "--seed", "3");
        Assert.AreEqual("ale:tetris", stats.GetProperty("game").GetString());
        var lengths = stats.GetProperty("lengths").EnumerateArray().Select(l => l.GetInt32()).ToArray();
        Assert.HasCount(2, lengths);
        Assert.IsTrue(lengths.All(l => l is > 0 and <= 10_000), string.Join(", ", lengths));
        var channels = stats.GetProperty("channels").EnumerateObject().Select(c => c.Name).ToArray();
        CollectionAssert.AreEqual(new[] { "frame-0", "frame-1", "frame-2", "frame-3" }, channels);
        var again = Run("env-stats", "--game", "ale:tetris", "--rom", rom, "--policy", "random-minimal", "--episodes", "2", "--seed", "3");
        Assert.AreEqual(stats.GetProperty("returns").GetRawText(), again.GetProperty("returns").GetRawText(), "same seed, same episodes");

        var (exit, output) = LabRunner.Run("env-stats", "--game", "ale:pong", "--rom", rom);
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "not ale:pong");
    }
}
