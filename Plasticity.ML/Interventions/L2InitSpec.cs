using System.Text.Json.Serialization;
using Plasticity.ML.Common;
using Plasticity.ML.Search;
using Plasticity.ML.Training.Checkpoints;
using Plasticity.ML.Training;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions;

/// <summary>
/// L2-init (Kumar et al. 2023): adds <c>lambda * ||theta - theta0||^2</c> to the loss, summed over every parameter,
/// where <c>theta0</c> is the network's parameters when training starts. Its gradient is
/// <c>2 * lambda * (theta - theta0)</c>. Acts in every step by default. After a plasticity injection the head's anchor
/// is the fresh head, the head's new initialization (the old one is in the network's frozen part).
/// </summary>
public sealed record L2InitSpec : InterventionSpec
{
    /// <summary>Creates the spec, acting in every step.</summary>
    public L2InitSpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>Penalty coefficient lambda (Kumar et al. sweep 1e-2 ... 1e-5).</summary>
    [Range(1e-6, 1e-1, 1e-3, logBase: true)]
    public double Lambda { get; init; } = 1e-3;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"l2-init-{Lambda:g3}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        StepwiseTiming.Validate(Timing, "L2-init");
        if (!(Lambda >= 0) || double.IsInfinity(Lambda)) throw new ArgumentException($"{nameof(Lambda)} must be finite and non-negative; got {Lambda}.");
    }

    private sealed class Hook(L2InitSpec spec) : TrainingHook
    {
        private readonly List<(Parameter Parameter, Tensor Initial)> anchors = [];
        private readonly Resets.InjectionFollower injections = new();

        public override void OnTrainingStart(TrainingContext context)
        {
            foreach (var (_, initial) in anchors) initial.Dispose();
            anchors.Clear();
            using var noGrad = no_grad();
            foreach (var p in context.Network.parameters())
                anchors.Add((p, p.DetachedCopy().DetachFromDisposeScope()));
            injections.Start(context.Network);
        }

        public override void SaveState(StateBag state)
        {
            for (int i = 0; i < anchors.Count; i++) state.Set($"anchor.{i}", anchors[i].Initial);
            injections.Save(state);
        }

        public override void LoadState(StateBag state)
        {
            foreach (var (i, (_, initial)) in anchors.Index()) state.CopyInto($"anchor.{i}", initial);
            injections.Load(state);
        }

        public override Tensor? AdditionalLoss(TrainingContext context)
        {
            if (anchors.Count == 0) return null;
            // Before training on an injected head: its parameters still hold the fresh draw, its new initialization.
            using (no_grad())
                foreach (int i in injections.NewlyInjectedHead(context.Network)) anchors[i].Initial.copy_(anchors[i].Parameter);
            if (!StepwiseTiming.ActsInStep(spec.Timing, context.GlobalStep)) return null;
            using var scope = NewDisposeScope();
            Tensor? sum = null;
            foreach (var (p, initial) in anchors)
            {
                var difference = p - initial;
                var term = (difference * difference).sum();
                sum = sum is null ? term : sum.add(term, Scalars.One);
            }
            using var lambda = spec.Lambda.ToScalar();
            return sum!.mul(lambda).MoveToOuterDisposeScope();
        }
    }
}
