using System.Diagnostics;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.Ale;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Benchmarks;

/// <summary>Checkpoints of a full ALE replay (84 x 84 frames, stacks of 4) taken some steps apart: with its observation
/// segments kept as part files that only changed segments rewrite, against the whole replay inside the archive (what every
/// checkpoint wrote before parts), in the same interleaved rounds.</summary>
/// <param name="Capacity">Transitions in the replay.</param>
/// <param name="StepsBetween">Environment steps added before each checkpoint.</param>
/// <param name="ReplayBytes">Bytes of the replay's observations.</param>
/// <param name="PartsBytesWritten">Median bytes a checkpoint with parts wrote (its archive and its new parts).</param>
/// <param name="InlineBytesWritten">Median bytes a checkpoint with the replay inside its archive wrote.</param>
/// <param name="PartsSeconds">Median seconds per checkpoint with parts.</param>
/// <param name="InlineSeconds">Median seconds per checkpoint with the replay inside the archive.</param>
public sealed record ReplayCheckpointResult(int Capacity, int StepsBetween, long ReplayBytes, long PartsBytesWritten, long InlineBytesWritten,
    double PartsSeconds, double InlineSeconds)
{
    /// <summary>Inline seconds over parts seconds.</summary>
    public double SpeedUp => InlineSeconds / PartsSeconds;
}

/// <summary>Times checkpoints of a large replay (see <see cref="ReplayCheckpointResult"/>).</summary>
public static class ReplayCheckpointBenchmark
{
    private const int Side = 84, Frames = 4, FrameBytes = Side * Side;

    /// <summary>Fills a replay of <paramref name="capacity"/> transitions of random frames past wrapping, then, in
    /// <paramref name="rounds"/> rounds, adds <paramref name="stepsBetween"/> steps and checkpoints it both ways.</summary>
    public static ReplayCheckpointResult Measure(int capacity, int stepsBetween, int rounds)
    {
        var spec = new EnvironmentSpec
        {
            Name = "ale-frames",
            ObservationShape = [Frames, Side, Side],
            ChannelNames = [.. Enumerable.Range(0, Frames).Select(i => $"frame-{i}")],
            ObservationMaximum = 255,
            StackedFrames = Frames,
            ActionCount = 6,
            ActionNames = [.. Enumerable.Range(0, 6).Select(i => $"a{i}")],
        };
        var replay = new ReplayBuffer(spec, new ReplayOptions { Capacity = capacity }, steps: 1, gamma: 0.99);
        var player = new Player(replay);
        player.Play(capacity + capacity / 10);
        string folder = Path.Combine(Path.GetTempPath(), $"plasticity-replay-checkpoint-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string withParts = Path.Combine(folder, "parts.checkpoint"), inline = Path.Combine(folder, "inline.checkpoint");
            Save(replay, withParts, CheckpointParts.DefaultThreshold);
            Save(replay, inline, int.MaxValue);
            var parts = new List<(double Seconds, long Bytes)>();
            var whole = new List<(double Seconds, long Bytes)>();
            for (int r = 0; r < rounds; r++)
            {
                player.Play(stepsBetween);
                parts.Add(Save(replay, withParts, CheckpointParts.DefaultThreshold));
                whole.Add(Save(replay, inline, int.MaxValue));
            }
            return new ReplayCheckpointResult(capacity, stepsBetween, replay.MemoryBytes,
                (long)Timing.Median(parts.Select(p => (double)p.Bytes)), (long)Timing.Median(whole.Select(p => (double)p.Bytes)),
                Timing.Median(parts.Select(p => p.Seconds)), Timing.Median(whole.Select(p => p.Seconds)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Checkpoints the replay as the agent does (the bag borrows its observations); returns the seconds taken and
    /// the bytes written (the archive, and the parts that were not there before).</summary>
    private static (double Seconds, long Bytes) Save(ReplayBuffer replay, string path, int partThreshold)
    {
        string partsFolder = CheckpointParts.FolderOf(path);
        var before = Directory.Exists(partsFolder) ? Directory.EnumerateFiles(partsFolder).ToHashSet() : [];
        var clock = Stopwatch.StartNew();
        var checkpoint = new Checkpoint("replay") { PartThreshold = partThreshold };
        replay.Save(checkpoint.Add("replay"), borrowObservations: true);
        checkpoint.Save(path);
        double seconds = clock.Elapsed.TotalSeconds;
        long written = new FileInfo(path).Length;
        if (Directory.Exists(partsFolder)) written += Directory.EnumerateFiles(partsFolder).Where(f => !before.Contains(f)).Sum(f => new FileInfo(f).Length);
        return (seconds, written);
    }

    /// <summary>Random episodes of random frames, through a frame stack as ALE's environment keeps one.</summary>
    private sealed class Player(ReplayBuffer replay)
    {
        private readonly Random random = new(1);
        private readonly FrameStack stack = new(Frames, FrameBytes);
        private readonly byte[] frame = new byte[FrameBytes];
        private readonly byte[] observation = new byte[Frames * FrameBytes];
        private int left;

        public void Play(int steps)
        {
            for (int t = 0; t < steps; t++)
            {
                if (left == 0)
                {
                    random.NextBytes(frame);
                    stack.Fill(frame);
                    stack.CopyTo(observation);
                    replay.AddFirst(observation);
                    left = random.Next(100, 2_000);
                }
                random.NextBytes(frame);
                stack.Push(frame);
                stack.CopyTo(observation);
                left--;
                replay.AddStep(random.Next(6), random.Next(2), left == 0, false, observation);
            }
        }
    }
}
