using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Plasticity.ML.Orleans.Messages;
using Plasticity.ML.Orleans.Runner;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Tests.Search.Experiment;

namespace Plasticity.ML.Tests.Cluster;

[TestClass]
public sealed class TrialMessageSerializationTests
{
    private static T RoundTrip<T>(T value)
    {
        using var services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(TrialWork).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    [TestMethod]
    public void TheTrialTravelsAsItsSpecsJsonWithItsIds()
    {
        var spec = SearchFixtures.Spec(new StreamReference { Location = "/shared/stream.windows", Sha256 = "AB" }, "7", fidelity: 3);
        var work = new TrialWork { Attempt = Guid.NewGuid(), Number = 2, Spec = spec.ToJson(), Coordinator = "host/42" };
        var back = RoundTrip(work);
        Assert.AreEqual(work, back);
        Assert.AreEqual(spec.ToJson(), TrialSpec.FromJson(back.Spec).ToJson());

        var report = new TrialAttemptReport { State = TrialAttemptState.Refused, Error = "cannot read", Silo = "S127.0.0.1:11111:1" };
        Assert.AreEqual(report, RoundTrip(report));
        var info = new TrialSiloInfo { Silo = "S127.0.0.1:11111:1", Slots = 2, Cores = 2, Machine = "m", ProcessId = 9, Execution = "threads", Running = 1 };
        Assert.AreEqual(info, RoundTrip(info));
    }

    [TestMethod]
    public void BadRunnerOptionsAreNamed()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new OrleansTrialRunnerOptions { MaxAttempts = 0 }.Validate()).Message, "MaxAttempts must be at least 1; got 0");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new OrleansTrialRunnerOptions { PollInterval = TimeSpan.Zero }.Validate()).Message, "PollInterval must be positive");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new Plasticity.ML.Orleans.Silo.TrialSiloOptions { Slots = 0 }.Validate()).Message, "Slots must be at least 1; got 0");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Plasticity.ML.Orleans.Hosting.TrialClustering.AdoNet("Npgsql", "").Validate(forClient: false)).Message, "ConnectionString");
    }
}
