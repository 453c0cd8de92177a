using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Benchmarks;

/// <summary>ALE environment steps against the bare emulation they contain.</summary>
/// <param name="Steps">Agent steps per round.</param>
/// <param name="OursSeconds">Median seconds per <see cref="AleEnvironment.Step"/> on Tetris (4 frames, sticky actions, max-pool, 84x84 resize, frame stack, all P/Invoke calls).</param>
/// <param name="RawSeconds">Median seconds per 4 bare ALE frames (act with sticky actions plus two grayscale screen reads), the floor of any ALE step with frame skip 4.</param>
public sealed record AleResult(int Steps, double OursSeconds, double RawSeconds)
{
    /// <summary>Environment steps per second.</summary>
    public double StepsPerSecond => 1 / OursSeconds;

    /// <summary>Emulated frames per second inside the environment (4 per step).</summary>
    public double FramesPerSecond => 4 / OursSeconds;
}

/// <summary>
/// Measures <see cref="AleEnvironment"/> on Tetris (the only ROM we may use) when the shim and the ROM are present
/// (<c>PLASTICITY_ALE_LIBRARY</c>, <c>PLASTICITY_ALE_ROM</c> or ../shared/vendor/ale/tetris.bin); otherwise
/// <see cref="TryMeasure"/> returns null with the reason, and the report says it was skipped.
/// </summary>
public static class AleBenchmark
{
    /// <summary>Runs the comparison, or returns null and why when ALE is not available here.</summary>
    public static AleResult? TryMeasure(int steps, int rounds, out string skipped)
    {
        if (!AleLibrary.IsAvailable(null, out skipped)) return null;
        string? rom = Environment.GetEnvironmentVariable("PLASTICITY_ALE_ROM");
        if (string.IsNullOrWhiteSpace(rom)) rom = Path.GetFullPath(Path.Combine("..", "shared", "vendor", "ale", "tetris.bin"));
        if (!File.Exists(rom))
        {
            skipped = $"the Tetris ROM was not found at '{rom}' (set PLASTICITY_ALE_ROM).";
            return null;
        }
        skipped = "";

        using var env = AleEnvironment.Create(rom);
        var observation = new byte[env.Spec.ObservationSize];
        var actions = new Random(1);
        env.Reset(1, observation);

        using var raw = AleInterface.Create();
        raw.LoadRom(rom);
        var screen = new byte[raw.ScreenHeight * raw.ScreenWidth];
        int[] minimal = raw.MinimalActionSet();

        var times = Timing.Interleaved(steps, rounds,
            () =>
            {
                if (env.Step(actions.Next(env.Spec.ActionCount), observation).Done) env.Reset(null, observation);
            },
            () =>
            {
                int action = minimal[actions.Next(minimal.Length)];
                for (int f = 0; f < 4; f++)
                {
                    raw.Act(action);
                    if (f >= 2) raw.GetScreenGrayscale(screen);
                }
                if (raw.IsGameOver()) raw.ResetGame();
            });
        return new AleResult(steps, times[0], times[1]);
    }
}
