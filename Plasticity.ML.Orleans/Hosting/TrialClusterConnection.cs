using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Plasticity.ML.Orleans.Runner;

namespace Plasticity.ML.Orleans.Hosting;

/// <summary>
/// A search's connection to a cluster of trial silos: an Orleans client host and the <see cref="OrleansTrialRunner"/> over
/// it. Pass <see cref="Runner"/> to <c>SearchExperiment.SetRunner</c>; dispose the connection after the search.
/// </summary>
public sealed class TrialClusterConnection : IAsyncDisposable
{
    private TrialClusterConnection(IHost host, OrleansTrialRunner runner)
    {
        Host = host;
        Runner = runner;
    }

    /// <summary>The client's host.</summary>
    public IHost Host { get; }

    /// <summary>The Orleans client.</summary>
    public IClusterClient Client => Host.Services.GetRequiredService<IClusterClient>();

    /// <summary>The trial runner on the cluster.</summary>
    public OrleansTrialRunner Runner { get; }

    /// <summary>
    /// Starts an Orleans client with <paramref name="settings"/> (retrying the gateways for the runner's
    /// <see cref="OrleansTrialRunnerOptions.ConnectTimeout"/>) and connects a runner (which waits for
    /// <see cref="OrleansTrialRunnerOptions.MinSilos"/> silos).
    /// </summary>
    public static async Task<TrialClusterConnection> ConnectAsync(TrialClientSettings settings, OrleansTrialRunnerOptions? runnerOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var options = runnerOptions ?? new OrleansTrialRunnerOptions();
        options.Validate();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "plasticity-search" });
        // Errors only: a silo that dies makes the client warn about lost connections, which the runner handles.
        TrialSilo.Quiet(builder.Logging, Microsoft.Extensions.Logging.LogLevel.Error);
        var clock = Stopwatch.StartNew();
        builder.UseOrleansClient(client =>
        {
            settings.Clustering.Apply(client, settings.ClusterId, settings.ServiceId);
            client.AddPlasticityTrialClient();
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                if (clock.Elapsed > options.ConnectTimeout) return false;
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var runner = await OrleansTrialRunner.ConnectAsync(host.Services.GetRequiredService<IClusterClient>(), options, cancellationToken).ConfigureAwait(false);
            return new TrialClusterConnection(host, runner);
        }
        catch
        {
            await StopAsync(host).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Disconnects the runner and stops the client.</summary>
    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync().ConfigureAwait(false);
        await StopAsync(Host).ConfigureAwait(false);
    }

    private static async Task StopAsync(IHost host)
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(grace.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
        host.Dispose();
    }
}
