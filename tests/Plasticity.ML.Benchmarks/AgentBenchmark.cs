using System.Diagnostics;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Replay;

namespace Plasticity.ML.Benchmarks;

/// <summary>One DQN update (batch 32, MinAtar network): the agent's against the hand-written TorchSharp loop.</summary>
/// <param name="OursSeconds">Median seconds per update of <see cref="Agent"/> (replay sample into its preallocated batch, TD
/// targets, the step protocol with the fused Adam).</param>
/// <param name="DenseConvolutionSeconds">Median seconds per update of the same agent with libtorch's dense convolution
/// (<see cref="Networks.NetworkSpec.SparseInput"/> off, so the network runs layer by layer through autograd): what the
/// sparse-input convolution and the fused pass buy.</param>
/// <param name="ReferenceSeconds">Median seconds per <see cref="ReferenceDqnLoop.Step"/>.</param>
/// <param name="LayerNormSeconds">Median seconds per update of the agent with LayerNorm (fused, as the plain one).</param>
/// <param name="LayerNormLayeredSeconds">The same LayerNorm agent's update inside
/// <see cref="Networks.PlasticNetwork.LayerByLayer"/>: what fusing LayerNorm buys.</param>
/// <param name="DoubleDqnSeconds">Median seconds per update of a Double DQN agent on the same network, fused (its target
/// adds an online forward pass on the next observations).</param>
/// <param name="DoubleDqnLayeredSeconds">The same Double DQN agent's update inside
/// <see cref="Networks.PlasticNetwork.LayerByLayer"/>.</param>
/// <param name="C51Seconds">Median seconds per update of a C51 agent (51 atoms) on the same network, fused, its
/// cross-entropy differentiated by hand.</param>
/// <param name="C51LayeredSeconds">The same C51 agent's update inside <see cref="Networks.PlasticNetwork.LayerByLayer"/>
/// (autograd through every layer and the loss).</param>
public sealed record DqnStepResult(double OursSeconds, double DenseConvolutionSeconds, double ReferenceSeconds, double LayerNormSeconds, double LayerNormLayeredSeconds,
    double DoubleDqnSeconds, double DoubleDqnLayeredSeconds, double C51Seconds, double C51LayeredSeconds)
{
    /// <summary>Reference time over ours (the target is at least 2).</summary>
    public double SpeedUp => ReferenceSeconds / OursSeconds;
}

/// <summary>Whole-agent throughput (environment steps per second, training every step), with each optimizer implementation.</summary>
/// <param name="Steps">Environment steps per run.</param>
/// <param name="PlasticStepsPerSecond">Median steps per second with the flat-buffer Adam.</param>
/// <param name="TorchSharpStepsPerSecond">Median steps per second with TorchSharp's <c>torch.optim.Adam</c>.</param>
public sealed record AgentThroughputResult(long Steps, double PlasticStepsPerSecond, double TorchSharpStepsPerSecond)
{
    /// <summary>Hours a 5M-frame run (MinAtar's length, one update per frame) takes at <see cref="PlasticStepsPerSecond"/>.</summary>
    public double FiveMillionFrameHours => 5e6 / PlasticStepsPerSecond / 3600;
}

/// <summary>Bytes of a 1M-transition MinAtar replay buffer (10 channels of 10 x 10 booleans).</summary>
/// <param name="Capacity">Transitions.</param>
/// <param name="Bytes">What the buffer reports holding.</param>
/// <param name="AllocatedBytes">What creating it allocated on the managed heap (measured).</param>
/// <param name="NaiveBytes">The textbook float32 layout of the same capacity.</param>
public sealed record ReplayMemoryResult(int Capacity, long Bytes, long AllocatedBytes, long NaiveBytes);

/// <summary>The agent benchmarks: the DQN update against a hand-written loop, whole-agent throughput, replay memory.</summary>
public static class AgentBenchmark
{
    /// <summary>The benchmark's agent on a 4-channel MinAtar-size grid: MinAtar network, Adam (Dopamine's MinAtar lr and
    /// epsilon), batch 32, training every step, one intra-op thread.</summary>
    public static AgentOptions Options(long steps, OptimizerImplementation implementation) => new()
    {
        Kind = AgentKind.Dqn,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 2.5e-4, Epsilon = 3.125e-4, Implementation = implementation },
        Replay = new ReplayOptions { Capacity = 100_000 },
        TotalSteps = steps,
        BatchSize = 32,
        TrainFrequency = 1,
        LearningStarts = 100,
        TargetUpdatePeriod = 1000,
        Threads = 1,
        Seed = 1,
    };

    /// <summary>Times the agent's update (with the sparse-input convolution and with the dense one), the reference
    /// loop's, and a LayerNorm agent's, a Double DQN agent's and a C51 agent's, each fused and layer by layer, interleaved.</summary>
    public static DqnStepResult MeasureTrainStep(int calls, int rounds)
    {
        using var environment = new RandomGridEnvironment(4);
        using var agent = Agent.Create(Options(1, OptimizerImplementation.Plastic), environment.Spec);
        var denseOptions = Options(1, OptimizerImplementation.Plastic) with { Network = agent.Online.Spec with { SparseInput = false } };
        using var dense = Agent.Create(denseOptions, environment.Spec);
        var layerNormOptions = Options(1, OptimizerImplementation.Plastic) with { Network = agent.Online.Spec with { Normalization = Networks.NormalizationKind.LayerNorm } };
        using var layerNorm = Agent.Create(layerNormOptions, environment.Spec);
        using var doubleDqn = Agent.Create(Options(1, OptimizerImplementation.Plastic) with { Kind = AgentKind.DoubleDqn }, environment.Spec);
        using var c51 = Agent.Create(Options(1, OptimizerImplementation.Plastic) with { Kind = AgentKind.C51 }, environment.Spec);
        var observation = new byte[environment.Spec.ObservationSize];
        var random = new Random(2);
        foreach (var filled in new[] { agent, dense, layerNorm, doubleDqn, c51 })
        {
            environment.Reset(1, observation);
            filled.Replay.AddFirst(observation);
            for (int i = 0; i < 5000; i++)
            {
                var outcome = environment.Step(random.Next(6), observation);
                filled.Replay.AddStep(random.Next(6), outcome.Reward, outcome.Terminated, false, observation);
                if (outcome.Terminated)
                {
                    environment.Reset(null, observation);
                    filled.Replay.AddFirst(observation);
                }
            }
        }
        using var reference = new ReferenceDqnLoop(agent.Online, 5000, 32);
        int before = TorchThreads.Current;
        TorchThreads.Set(1);
        try
        {
            var t = Timing.Interleaved(calls, rounds, () => agent.UpdateOnce(), () => dense.UpdateOnce(), reference.Step,
                () => layerNorm.UpdateOnce(), () => UpdateLayerByLayer(layerNorm), () => doubleDqn.UpdateOnce(), () => UpdateLayerByLayer(doubleDqn), () => c51.UpdateOnce(), () => UpdateLayerByLayer(c51));
            return new DqnStepResult(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8]);
        }
        finally
        {
            TorchThreads.Set(before);
        }
    }

    private static void UpdateLayerByLayer(Agent agent)
    {
        using var layered = Networks.PlasticNetwork.LayerByLayer();
        agent.UpdateOnce();
    }

    /// <summary>Runs whole agents of <paramref name="steps"/> steps with each optimizer, alternating, and keeps the median rate.</summary>
    public static AgentThroughputResult MeasureThroughput(long steps, int rounds)
    {
        var rates = new Dictionary<OptimizerImplementation, List<double>> { [OptimizerImplementation.Plastic] = [], [OptimizerImplementation.TorchSharp] = [] };
        // Round -1 warms up libtorch (kernel selection, allocator) for both sides and is not counted.
        for (int round = -1; round < rounds; round++)
        {
            foreach (var implementation in rates.Keys)
            {
                long runSteps = round < 0 ? Math.Min(steps, 300) : steps;
                using var environment = new RandomGridEnvironment(4);
                using var agent = Agent.Create(Options(runSteps, implementation), environment.Spec);
                var clock = Stopwatch.StartNew();
                agent.Train(environment);
                if (round >= 0) rates[implementation].Add(runSteps / clock.Elapsed.TotalSeconds);
            }
        }
        return new AgentThroughputResult(steps, Timing.Median(rates[OptimizerImplementation.Plastic]), Timing.Median(rates[OptimizerImplementation.TorchSharp]));
    }

    /// <summary>Creates a 1M-transition Seaquest-shaped buffer and reports its size against the float32 layout.</summary>
    public static ReplayMemoryResult MeasureReplayMemory()
    {
        using var environment = new RandomGridEnvironment(10);
        const int Capacity = 1_000_000;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var replay = new ReplayBuffer(environment.Spec, new ReplayOptions { Capacity = Capacity }, steps: 1, gamma: 0.99);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var result = new ReplayMemoryResult(Capacity, replay.MemoryBytes, allocated, ReplayBuffer.NaiveFloat32Bytes(environment.Spec, Capacity));
        GC.KeepAlive(replay);
        return result;
    }
}
