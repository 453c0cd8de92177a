namespace Plasticity.ML.Orleans.Hosting;

/// <summary>How a search connects to a cluster of trial silos (see <see cref="TrialClusterConnection"/>).</summary>
public sealed record TrialClientSettings
{
    /// <summary>The cluster's id (the silos' <see cref="TrialSiloSettings.ClusterId"/>).</summary>
    public string ClusterId { get; init; } = "plasticity";

    /// <summary>The service's id (the silos' <see cref="TrialSiloSettings.ServiceId"/>).</summary>
    public string ServiceId { get; init; } = "plasticity-search";

    /// <summary>How to find the silos: localhost gateway ports, or the ADO.NET membership database.</summary>
    public required TrialClustering Clustering { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new ArgumentException($"{nameof(ClusterId)} must be set.");
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new ArgumentException($"{nameof(ServiceId)} must be set.");
        if (Clustering is null) throw new ArgumentException($"{nameof(Clustering)} must say how to find the silos.");
        Clustering.Validate(forClient: true);
    }
}
