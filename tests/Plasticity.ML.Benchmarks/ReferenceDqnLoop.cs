using Plasticity.ML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Benchmarks;

/// <summary>
/// The hand-written TorchSharp DQN update the agent's train step is compared with: the MinAtar network as an
/// <c>nn.Sequential</c> of <c>Conv2d</c>, <c>Linear</c> and ReLU (a copy of it as the target network), transitions kept
/// the textbook way (observation and next observation as float32 tensors, actions, rewards, done flags), the batch taken
/// with <c>index_select</c>, <c>y = r + gamma (1 - done) max_a' Q_target(s', a')</c> under <c>no_grad</c>, Huber loss,
/// <c>zero_grad</c>, backward and <c>torch.optim.Adam</c>. Scalars are explicit (the project's rule), which costs it nothing.
/// </summary>
public sealed class ReferenceDqnLoop : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> online;
    private readonly nn.Module<Tensor, Tensor> target;
    private readonly optim.Optimizer optimizer;
    private readonly Tensor observations, nextObservations, actions, rewards, dones;
    private readonly long[] indices;
    private readonly Random random = new(12345);
    // Static, so never finalized while libtorch reads them.
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar Gamma = 0.99.ToScalar();

    /// <summary>Builds the loop over <paramref name="transitions"/> random transitions with the weights of <paramref name="source"/>.</summary>
    public ReferenceDqnLoop(PlasticNetwork source, int transitions, int batch, optim.Optimizer? optimizer = null)
    {
        var s = source.Spec.InputShape;
        int actionCount = source.Spec.Head.Outputs;
        nn.Module<Tensor, Tensor> Build() => nn.Sequential(
            nn.Conv2d(s[0], 16, 3), nn.ReLU(), nn.Flatten(),
            nn.Linear(16 * (s[1] - 2) * (s[2] - 2), 128), nn.ReLU(),
            nn.Linear(128, actionCount));
        online = Build();
        target = Build();
        var ours = source.parameters().ToArray();
        var theirs = online.parameters().ToArray();
        if (ours.Length != theirs.Length) throw new InvalidOperationException("The reference network does not mirror the source network.");
        using (no_grad())
        {
            for (int i = 0; i < ours.Length; i++) theirs[i].copy_(ours[i]);
            foreach (var (t, o) in target.parameters().Zip(online.parameters())) t.copy_(o);
        }
        foreach (var p in target.parameters()) p.requires_grad = false;
        // TorchSharp's own Adam is the point of the comparison (its steps make hidden Scalars; a benchmark accepts that).
#pragma warning disable RS0030
        this.optimizer = optimizer ?? optim.Adam(online.parameters(), 2.5e-4, eps: 3.125e-4);
#pragma warning restore RS0030
        var generator = new Random(7);
        var data = new float[transitions * s[0] * s[1] * s[2]];
        for (int i = 0; i < data.Length; i++) data[i] = generator.NextDouble() < 0.1 ? 1 : 0;
        using (var flat = tensor(data))
            observations = flat.reshape(transitions, s[0], s[1], s[2]).DetachFromDisposeScope();
        nextObservations = observations.roll(1, 0).DetachFromDisposeScope();
        actions = tensor(Enumerable.Range(0, transitions).Select(i => (long)(i % actionCount)).ToArray()).DetachFromDisposeScope();
        rewards = tensor(Enumerable.Range(0, transitions).Select(i => i % 20 == 0 ? 1f : 0f).ToArray()).DetachFromDisposeScope();
        dones = tensor(Enumerable.Range(0, transitions).Select(i => i % 100 == 99 ? 1f : 0f).ToArray()).DetachFromDisposeScope();
        indices = new long[batch];
    }

    /// <summary>The online network.</summary>
    public nn.Module<Tensor, Tensor> Online => online;

    /// <summary>One update.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        int n = (int)observations.shape[0];
        for (int i = 0; i < indices.Length; i++) indices[i] = random.Next(n);
        using var index = tensor(indices);
        var s = observations.index_select(0, index);
        var s2 = nextObservations.index_select(0, index);
        var a = actions.index_select(0, index);
        var r = rewards.index_select(0, index);
        var d = dones.index_select(0, index);
        Tensor y;
        using (no_grad())
        {
            var next = target.forward(s2).amax([1L]);
            y = d.neg().add(One, One).mul(Gamma).mul(next).add(r, One);
        }
        var q = online.forward(s).gather(1, a.unsqueeze(1)).squeeze(1);
        var loss = nn.functional.huber_loss(q, y);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        online.Dispose();
        target.Dispose();
        observations.Dispose();
        nextObservations.Dispose();
        actions.Dispose();
        rewards.Dispose();
        dones.Dispose();
    }
}
