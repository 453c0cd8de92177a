using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Plasticity.ML.Orleans.Hosting;
using Plasticity.ML.Orleans.Runner;
using Plasticity.ML.Orleans.Silo;

namespace Plasticity.ML.Tests.Cluster;

/// <summary>
/// Orleans' in-process test cluster (three silos by default, one trial slot each, trials on dedicated threads) with an
/// <see cref="OrleansTrialRunner"/> connected to it. Membership probes are quick, so a killed silo is declared dead in
/// seconds.
/// </summary>
internal sealed class TestTrialCluster : IAsyncDisposable
{
    private TestTrialCluster(InProcessTestCluster cluster, OrleansTrialRunner runner)
    {
        Cluster = cluster;
        Runner = runner;
    }

    public InProcessTestCluster Cluster { get; }

    public OrleansTrialRunner Runner { get; }

    /// <summary>One trial at a time per silo, on a thread of the silo.</summary>
    public static TrialSiloOptions OneThread { get; } = new() { Slots = 1, Execution = TrialExecution.Threads, LeaseTimeout = TimeSpan.FromSeconds(30) };

    public static async Task<TestTrialCluster> StartAsync(int silos = 3, Func<string, TrialSiloOptions>? trials = null, OrleansTrialRunnerOptions? runner = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddPlasticityTrials(trials?.Invoke(options.SiloName) ?? OneThread);
            // Quicker failure detection than Orleans' defaults (5 s x 3 probes, 2 votes), so that the kill test sees a dead
            // silo dropped within its 30 s, but not so quick that a live silo busy starting up on a loaded 2-core CI machine
            // misses its probes and is declared dead (1 s x 2 did that once: a cluster of 3 came up with 2).
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(3);
                o.NumMissedProbesLimit = 3;
                o.NumVotesForDeathDeclaration = 1;
            });
        });
        builder.ConfigureClient(client => client.AddPlasticityTrialClient());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var connected = await OrleansTrialRunner.ConnectAsync(cluster.Client, runner ?? new OrleansTrialRunnerOptions
            {
                MinSilos = silos,
                PollInterval = TimeSpan.FromMilliseconds(250),
                RefreshInterval = TimeSpan.FromMilliseconds(250),
                UnreachableTimeout = TimeSpan.FromSeconds(20),
                ConnectTimeout = TimeSpan.FromSeconds(60),
            });
            return new TestTrialCluster(cluster, connected);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The trial service of every live silo.</summary>
    public IReadOnlyList<TrialSiloService> Services => Cluster.GetActiveSilos().Select(Service).ToList();

    public static TrialSiloService Service(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<TrialSiloService>();

    /// <summary>The live silo whose address is <paramref name="address"/> (as the runner names it).</summary>
    public InProcessSiloHandle Silo(string address) => Cluster.GetActiveSilos().Single(s => s.SiloAddress.ToParsableString() == address);

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
