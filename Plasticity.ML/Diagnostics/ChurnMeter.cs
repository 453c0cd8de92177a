using TorchSharp;
using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Measures churn (Tang and Berseth 2024; Tang et al. 2025, C-CHAIN): how much one update changes the network's outputs
/// on inputs it was not trained on. Every <see cref="Every"/> steps it draws a reference batch from the learner's
/// observations, predicts it just before the update (when the step's loss is formed, after every earlier hook's
/// changes) and just after it (after every hook's post-step changes), and accumulates the mean absolute change of the
/// decoded predictions, <c>mean |f_after(x) - f_before(x)|</c> over the batch and the outputs (C-CHAIN's
/// <c>q_diff_abs</c>). Predictions run in evaluation mode without gradients, so measuring never changes training.
/// </summary>
public sealed class ChurnMeter
{
    private readonly int samples;
    private RandomStream? random;
    private Tensor? reference;
    private Tensor? before;
    private double sum;
    private long count;

    /// <summary>Creates a meter that measures every <paramref name="every"/> steps on <paramref name="samples"/> observations.</summary>
    public ChurnMeter(int every, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        Every = every;
        this.samples = samples;
    }

    /// <summary>The period in steps.</summary>
    public int Every { get; }

    /// <summary>Updates measured since the last <see cref="TakeMean"/>.</summary>
    public long Count => count;

    /// <summary>Starts the meter for a run: its random stream is derived from the run's seed.</summary>
    public void Start(long seed)
    {
        random = RandomStream.For(seed, "churn-meter");
        Clear();
    }

    /// <summary>Before the update of step <c>GlobalStep + 1</c>: predicts the reference batch when this step is measured.</summary>
    public void BeforeUpdate(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        DisposePending();
        if (random is null || (context.GlobalStep + 1) % Every != 0 || context.Observations is not { Count: > 0 } observations) return;
        using (var sample = observations.Sample(samples, random))
            reference = sample.detach().DetachFromDisposeScope();
        before = Predict(context.Network, reference).DetachFromDisposeScope();
    }

    /// <summary>After the update: adds the change of the predictions on the reference batch.</summary>
    public void AfterUpdate(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reference is null || before is null) return;
        using (var scope = NewDisposeScope())
        {
            var after = Predict(context.Network, reference);
            sum += (after.add(before, Scalars.MinusOne)).abs().to_type(ScalarType.Float64).mean().item<double>();
            count++;
        }
        DisposePending();
    }

    /// <summary>The mean churn over the updates measured since the last call (NaN when none), and restarts the mean.</summary>
    public double TakeMean()
    {
        double mean = count == 0 ? double.NaN : sum / count;
        sum = 0;
        count = 0;
        return mean;
    }

    /// <summary>Writes the meter's state (random stream and running sums; a pending measurement never spans a checkpoint).</summary>
    public void Save(StateBag state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set(prefix + ".random", random ?? new RandomStream(0));
        state.Set(prefix + ".sum", sum);
        state.Set(prefix + ".count", count);
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    public void Load(StateBag state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        random ??= new RandomStream(0);
        state.Restore(prefix + ".random", random);
        sum = state.GetDouble(prefix + ".sum");
        count = state.GetInt64(prefix + ".count");
        DisposePending();
    }

    private static Tensor Predict(PlasticNetwork network, Tensor inputs)
    {
        using (EvaluationMode.Enter(network))
        {
            using var noGrad = no_grad();
            return network.Predict(inputs);
        }
    }

    private void Clear()
    {
        sum = 0;
        count = 0;
        DisposePending();
    }

    private void DisposePending()
    {
        reference?.Dispose();
        before?.Dispose();
        reference = null;
        before = null;
    }

}
