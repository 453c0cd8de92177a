using System.Security.Cryptography;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

/// <summary>The real ALE on Tetris (the only ROM we may use); skipped with the reason where the shim or the ROM is missing.</summary>
[TestClass]
public sealed class AleTetrisTests
{
    [TestMethod]
    public void TheRomLoadsAsTetrisWithAleVersionAndScreen()
    {
        string rom = AleTestSupport.RequireTetris();
        using var ale = AleInterface.Create();
        Assert.AreEqual("0.12.1", ale.AleVersion);
        Assert.AreEqual("tetris", ale.SupportedRomName(rom));
        ale.LoadRom(rom);
        Assert.IsTrue(ale.HasRom);
        Assert.AreEqual(210, ale.ScreenHeight);
        Assert.AreEqual(160, ale.ScreenWidth);
        Assert.AreEqual(128, ale.RamSize);
        Assert.AreEqual(0, ale.Lives, "ALE's Tetris does not count lives");
        CollectionAssert.AreEqual(Enumerable.Range(0, 18).ToArray(), ale.LegalActionSet());
        Assert.AreEqual(0.25f, ale.GetFloat("repeat_action_probability"));
    }

    [TestMethod]
    public void TheMinimalActionSetIsAlesTetrisSet()
    {
        // ALE 0.12.1 src/ale/games/supported/Tetris.cpp, TetrisSettings::isMinimal: NOOP, FIRE, RIGHT, LEFT, DOWN;
        // RomSettings::getMinimalActionSet lists them in ALE's action order (0, 1, 3, 4, 5).
        string rom = AleTestSupport.RequireTetris();
        using var ale = AleInterface.Create();
        ale.LoadRom(rom);
        CollectionAssert.AreEqual(new[] { 0, 1, 3, 4, 5 }, ale.MinimalActionSet());

        using var env = AleEnvironment.Create(rom);
        CollectionAssert.AreEqual(new[] { AleAction.Noop, AleAction.Fire, AleAction.Right, AleAction.Left, AleAction.Down }, env.Actions.ToArray());
        Assert.AreEqual(5, env.Spec.ActionCount);
        CollectionAssert.AreEqual(new[] { "noop", "fire", "right", "left", "down" }, env.Spec.ActionNames);
        using var full = AleEnvironment.Create(rom, new AleOptions { FullActionSpace = true });
        Assert.AreEqual(18, full.Spec.ActionCount);
    }

    [TestMethod]
    public void AFixedActionSequenceFromAFixedSeedGivesTheSameFramesAndRewards()
    {
        string rom = AleTestSupport.RequireTetris();
        using var first = AleEnvironment.Create(rom);
        using var second = AleEnvironment.Create(rom);
        var a = Play(first, seed: 7, steps: 400);
        var b = Play(second, seed: 7, steps: 400);
        Assert.AreEqual(a.Hash, b.Hash, "two environments, same seed, same actions");
        CollectionAssert.AreEqual(a.Rewards, b.Rewards);
        Assert.IsTrue(a.DistinctFrames > 10, $"the game should move; only {a.DistinctFrames} distinct observations");

        // The same environment re-seeded after play replays the episode; a fresh environment's first Reset(null)
        // is Reset(0).
        var again = Play(first, seed: 7, steps: 400);
        Assert.AreEqual(a.Hash, again.Hash, "Reset(seed) after play replays");
        using var third = AleEnvironment.Create(rom);
        Assert.AreEqual(Play(third, seed: null, steps: 400).Hash, Play(second, seed: 0, steps: 400).Hash, "the creation seed is 0");

        // Sticky actions and no-op starts come from the seed: another seed gives another trajectory.
        Assert.AreNotEqual(a.Hash, Play(second, seed: 8, steps: 400).Hash);
    }

    [TestMethod]
    public void ObservationsAreFourStacked84x84FramesOldestFirst()
    {
        string rom = AleTestSupport.RequireTetris();
        using var env = AleEnvironment.Create(rom);
        CollectionAssert.AreEqual(new[] { 4, 84, 84 }, env.Spec.ObservationShape);
        CollectionAssert.AreEqual(new[] { "frame-0", "frame-1", "frame-2", "frame-3" }, env.Spec.ChannelNames);
        Assert.AreEqual(255, env.Spec.ObservationMaximum);
        Assert.AreEqual("ale:tetris", env.Spec.Name);
        Assert.IsNull(env.Lives);

        const int frame = 84 * 84;
        var observation = new byte[env.Spec.ObservationSize];
        env.Reset(1, observation);
        var first = observation[..frame];
        Assert.IsTrue(first.Any(v => v > 0), "the screen is not black");
        for (int k = 1; k < 4; k++) CollectionAssert.AreEqual(first, observation[(k * frame)..((k + 1) * frame)], $"reset repeats the frame in slot {k}");

        var previousNewest = first;
        for (int step = 1; step <= 40; step++)
        {
            var before = (byte[])observation.Clone();
            env.Step(step % env.Spec.ActionCount, observation);
            // Each step shifts the stack by one frame: slots 0..2 are the old slots 1..3.
            CollectionAssert.AreEqual(before[frame..], observation[..(3 * frame)], $"step {step} shifts the stack");
            previousNewest = observation[(3 * frame)..];
        }
        Assert.IsFalse(previousNewest.SequenceEqual(first), "40 steps later the newest frame differs from the first");

        using var small = AleEnvironment.Create(rom, new AleOptions { StackedFrames = 2, ObservationHeight = 105, ObservationWidth = 80 });
        CollectionAssert.AreEqual(new[] { 2, 105, 80 }, small.Spec.ObservationShape);
        var smallObservation = new byte[2 * 105 * 80];
        small.Reset(1, smallObservation);
        small.Step(0, smallObservation);
    }

    [TestMethod]
    public void TheNewestFrameIsTheResizedMaxOfTheLastTwoRawFrames()
    {
        // Without sticky actions and no-op starts ALE is deterministic, so a raw AleInterface fed the same actions
        // shows the frames the environment saw; our pure pieces applied to them must give its observation.
        string rom = AleTestSupport.RequireTetris();
        var options = new AleOptions { RepeatActionProbability = 0f, NoopMax = 0 };
        using var env = AleEnvironment.Create(rom, options);
        using var raw = AleInterface.Create();
        raw.SetFloat("repeat_action_probability", 0f);
        raw.LoadRom(rom);

        var observation = new byte[env.Spec.ObservationSize];
        env.Reset(null, observation);
        var screen = new byte[210 * 160];
        var previous = new byte[210 * 160];
        var pooled = new byte[210 * 160];
        var expected = new byte[84 * 84];
        var resize = new AreaResize(210, 160, 84, 84);
        raw.GetScreenGrayscale(screen);
        resize.Apply(screen, expected);
        CollectionAssert.AreEqual(expected, observation[..(84 * 84)], "reset frame");

        int[] actions = [2, 2, 3, 4, 1, 0, 4, 4, 1, 3];
        foreach (int action in actions)
        {
            env.Step(action, observation);
            int aleAction = (int)env.Actions[action];
            for (int f = 0; f < 4; f++)
            {
                raw.Act(aleAction);
                if (f == 2) raw.GetScreenGrayscale(previous);
            }
            raw.GetScreenGrayscale(screen);
            FrameMaxPool.Max(previous, screen, pooled);
            resize.Apply(pooled, expected);
            CollectionAssert.AreEqual(expected, observation[(3 * 84 * 84)..], $"after action {action}");
        }
    }

    [TestMethod]
    public void ARandomPolicyFinishesEpisodes()
    {
        string rom = AleTestSupport.RequireTetris();
        using var env = AleEnvironment.Create(rom);
        var random = new Random(5);
        var observation = new byte[env.Spec.ObservationSize];
        int finished = 0, steps = 0;
        const int stepCap = 20_000;
        env.Reset(5, observation);
        int length = 0;
        var lengths = new List<int>();
        while (finished < 2 && steps < stepCap)
        {
            var result = env.Step(random.Next(env.Spec.ActionCount), observation);
            steps++;
            length++;
            Assert.IsTrue(result.Reward >= 0 && float.IsFinite(result.Reward), $"Tetris rewards are non-negative line scores; got {result.Reward}");
            if (result.Done)
            {
                Assert.IsTrue(result.Terminated && !result.Truncated, $"episode {finished} ended by the game, not a time limit (after {length} steps)");
                lengths.Add(length);
                finished++;
                length = 0;
                env.Reset(null, observation);
            }
        }
        Console.WriteLine($"random-policy Tetris episode lengths (agent steps): {string.Join(", ", lengths)}");
        Assert.AreEqual(2, finished, $"two episodes within {stepCap} steps; lengths {string.Join(", ", lengths)}");
    }

    [TestMethod]
    public void TheFrameLimitTruncatesAnEpisode()
    {
        string rom = AleTestSupport.RequireTetris();
        using var env = AleEnvironment.Create(rom, new AleOptions { MaxEpisodeFrames = 200, NoopMax = 0, RepeatActionProbability = 0f });
        var observation = new byte[env.Spec.ObservationSize];
        env.Reset(null, observation);
        StepResult result = default;
        int steps = 0;
        while (!result.Done) { result = env.Step(0, observation); steps++; }
        Assert.IsTrue(result.Truncated && !result.Terminated);
        Assert.AreEqual(50, steps, "200 frames at 4 frames per step");
        env.Reset(null, observation);
        Assert.IsFalse(env.Step(0, observation).Done, "a reset starts a new episode");
    }

    [TestMethod]
    public void RestoringAClonedStateReplaysTheSameFrames()
    {
        string rom = AleTestSupport.RequireTetris();
        using var ale = AleInterface.Create();
        ale.SetFloat("repeat_action_probability", 0f);
        ale.LoadRom(rom);
        for (int i = 0; i < 50; i++) ale.Act(5);
        using var state = ale.CloneState();
        string Run()
        {
            var screen = new byte[210 * 160];
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (int i = 0; i < 120; i++)
            {
                ale.Act(i % 3 == 0 ? 3 : 5);
                ale.GetScreenGrayscale(screen);
                hash.AppendData(screen);
            }
            return Convert.ToHexString(hash.GetHashAndReset());
        }
        string first = Run();
        ale.RestoreState(state);
        Assert.AreEqual(first, Run());
    }

    private static (string Hash, float[] Rewards, int DistinctFrames) Play(AleEnvironment env, long? seed, int steps)
    {
        var observation = new byte[env.Spec.ObservationSize];
        var actions = new Random(11);
        var rewards = new List<float>();
        var distinct = new HashSet<string>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        env.Reset(seed, observation);
        hash.AppendData(observation);
        for (int i = 0; i < steps; i++)
        {
            var result = env.Step(actions.Next(env.Spec.ActionCount), observation);
            hash.AppendData(observation);
            distinct.Add(Convert.ToHexString(SHA256.HashData(observation)));
            rewards.Add(result.Reward);
            if (result.Done)
            {
                rewards.Add(result.Terminated ? -1000 : -2000);
                env.Reset(null, observation);
                hash.AppendData(observation);
            }
        }
        return (Convert.ToHexString(hash.GetHashAndReset()), [.. rewards], distinct.Count);
    }
}
