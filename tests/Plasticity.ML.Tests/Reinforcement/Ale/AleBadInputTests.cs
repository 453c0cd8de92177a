using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

/// <summary>Bad input at every door gives a .NET exception naming the value; nothing crashes in native code (ALE itself would exit the process on most of these).</summary>
[TestClass]
public sealed class AleBadInputTests
{
    [TestMethod]
    public void AnActionOutOfRangeIsRejectedNamingIt()
    {
        string rom = AleTestSupport.RequireTetris();
        using var env = AleEnvironment.Create(rom);
        var observation = new byte[env.Spec.ObservationSize];
        env.Reset(0, observation);
        foreach (int action in new[] { -1, 5, 17, int.MaxValue })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => env.Step(action, observation));
            Assert.AreEqual("action", e.ParamName);
            StringAssert.Contains(e.Message, action.ToString());
        }
        Assert.IsFalse(env.Step(0, observation).Done, "the environment still works after rejected actions");
    }

    [TestMethod]
    public void TheShimItselfRejectsActionsAleWouldExitOn()
    {
        string rom = AleTestSupport.RequireTetris();
        using var ale = AleInterface.Create();
        ale.LoadRom(rom);
        // Past the managed checks: these reach ale_c, which must refuse them (ALE exits the process on 18..39, 41..).
        foreach (int action in new[] { 18, 35, 41, -5 })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => ale.ActUnchecked(action, 1f));
            StringAssert.Contains(e.Message, $"action {action}");
        }
        var strength = Assert.ThrowsExactly<ArgumentException>(() => ale.ActUnchecked(0, float.NaN));
        StringAssert.Contains(strength.Message, "paddle strength");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ale.Act(18));
        Assert.AreEqual(0, ale.Act(0), "the emulator still works");
    }

    [TestMethod]
    public void SteppingWithoutARunningEpisodeIsAnError()
    {
        string rom = AleTestSupport.RequireTetris();
        using var env = AleEnvironment.Create(rom, new AleOptions { MaxEpisodeFrames = 40, NoopMax = 0 });
        var observation = new byte[env.Spec.ObservationSize];
        var before = Assert.ThrowsExactly<InvalidOperationException>(() => env.Step(0, observation));
        StringAssert.Contains(before.Message, "Reset");
        env.Reset(0, observation);
        while (!env.Step(0, observation).Done) { }
        var after = Assert.ThrowsExactly<InvalidOperationException>(() => env.Step(0, observation));
        StringAssert.Contains(after.Message, "call Reset first");
        env.Reset(null, observation);
        env.Step(0, observation);
    }

    [TestMethod]
    public void AWrongObservationBufferIsRejectedWithItsSize()
    {
        string rom = AleTestSupport.RequireTetris();
        using var env = AleEnvironment.Create(rom);
        var e = Assert.ThrowsExactly<ArgumentException>(() => env.Reset(0, new byte[100]));
        Assert.AreEqual("observation", e.ParamName);
        StringAssert.Contains(e.Message, "100");
        StringAssert.Contains(e.Message, "28224");
        var observation = new byte[env.Spec.ObservationSize];
        env.Reset(0, observation);
        e = Assert.ThrowsExactly<ArgumentException>(() => env.Step(0, new byte[28225]));
        StringAssert.Contains(e.Message, "28225");

        // The shim checks raw buffers too.
        using var ale = AleInterface.Create();
        ale.LoadRom(AleTestSupport.TetrisRom());
        e = Assert.ThrowsExactly<ArgumentException>(() => ale.GetScreenGrayscale(new byte[210 * 160 - 1]));
        StringAssert.Contains(e.Message, "33599");
        Assert.ThrowsExactly<ArgumentException>(() => ale.GetScreenRgb(new byte[210 * 160]));
        Assert.ThrowsExactly<ArgumentException>(() => ale.GetRam(new byte[127]));
    }

    [TestMethod]
    public void AMissingRomFileIsAFileNotFoundNamingThePath()
    {
        AleTestSupport.RequireLibrary();
        string missing = Path.Combine(Path.GetTempPath(), "plasticity-no-such-rom", "pong.bin");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => AleEnvironment.Create(missing));
        StringAssert.Contains(e.Message, missing);
        // The shim's own check, past the managed one.
        using var ale = AleInterface.Create();
        e = Assert.ThrowsExactly<FileNotFoundException>(() => ale.LoadRom(missing));
        StringAssert.Contains(e.Message, missing);
        Assert.IsFalse(ale.HasRom);
    }

    [TestMethod]
    public void AFolderOrAFileAleDoesNotKnowIsNotARom()
    {
        AleTestSupport.RequireLibrary();
        string folder = Path.Combine(Path.GetTempPath(), $"plasticity-rom-folder-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        string unknown = Path.Combine(folder, "tetris.bin");  // ALE's name, but not its bytes
        File.WriteAllBytes(unknown, Enumerable.Range(0, 2048).Select(i => (byte)(i * 7)).ToArray());
        try
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => AleEnvironment.Create(folder));
            StringAssert.Contains(e.Message, "is a folder");
            e = Assert.ThrowsExactly<ArgumentException>(() => AleEnvironment.Create(unknown));
            StringAssert.Contains(e.Message, unknown);
            StringAssert.Contains(e.Message, "not a ROM the Arcade Learning Environment supports");

            using var ale = AleInterface.Create();
            Assert.IsNull(ale.SupportedRomName(unknown));
            e = Assert.ThrowsExactly<ArgumentException>(() => ale.LoadRom(folder));
            StringAssert.Contains(e.Message, "not a regular file");
            e = Assert.ThrowsExactly<ArgumentException>(() => ale.LoadRom(unknown));
            StringAssert.Contains(e.Message, "MD5");
            StringAssert.Contains(e.Message, "its file name suggests 'tetris'");
            string empty = Path.Combine(folder, "empty.bin");
            File.WriteAllBytes(empty, []);
            e = Assert.ThrowsExactly<ArgumentException>(() => ale.LoadRom(empty));
            StringAssert.Contains(e.Message, "0 bytes");
            Assert.IsFalse(ale.HasRom);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void CallsBeforeARomAndBadSettingsAreRejectedByTheShim()
    {
        AleTestSupport.RequireLibrary();
        using var ale = AleInterface.Create();
        // ALE dereferences null for these before a ROM is loaded.
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => ale.Act(0)).Message, "no ROM is loaded");
        Assert.ThrowsExactly<InvalidOperationException>(() => ale.ResetGame());
        Assert.ThrowsExactly<InvalidOperationException>(() => ale.GetScreenGrayscale(new byte[210 * 160]));
        Assert.ThrowsExactly<InvalidOperationException>(() => ale.MinimalActionSet());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ale.SetInt("no_such_key", 1)).Message, "no_such_key");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ale.SetInt("repeat_action_probability", 1)).Message, "repeat_action_probability");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ale.SetInt("random_seed", -7)).Message, "-7");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ale.SetFloat("repeat_action_probability", 2f)).Message, "outside [0, 1]");
        Assert.ThrowsExactly<ArgumentException>(() => ale.SetFloat("repeat_action_probability", float.PositiveInfinity));
        Assert.ThrowsExactly<ArgumentException>(() => ale.SetString("rom_file\0x", "a"));
        ale.SetInt("random_seed", 3);
        Assert.AreEqual(3, ale.GetInt("random_seed"));
    }

    [TestMethod]
    public void AnUnavailableModeIsRejected()
    {
        string rom = AleTestSupport.RequireTetris();
        var e = Assert.ThrowsExactly<ArgumentException>(() => AleEnvironment.Create(rom, new AleOptions { Mode = 99 }));
        StringAssert.Contains(e.Message, "mode 99");
    }

    [TestMethod]
    public void AfterDisposeTheEnvironmentRefusesToWork()
    {
        string rom = AleTestSupport.RequireTetris();
        var env = AleEnvironment.Create(rom);
        var observation = new byte[env.Spec.ObservationSize];
        env.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => env.Reset(0, observation));
        env.Dispose();
    }
}
