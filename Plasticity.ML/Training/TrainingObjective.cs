using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// Connects a head to a kind of target: prepares targets, computes the loss from the raw network output, and
/// counts correct predictions. Class labels meet a regression or two-hot head as one-hot value vectors (the
/// reward vector of the paper's classification MDP with a discount of 0), so that every head trains on the same
/// label tasks and accuracy (argmax = label) stays defined.
/// </summary>
public sealed class TrainingObjective
{
    /// <summary>Creates the objective; throws <see cref="ArgumentException"/> for combinations that make no sense.</summary>
    public TrainingObjective(HeadSpec head, TargetKind targets, int targetCount, LossKind loss, double huberDelta = 1.0)
    {
        ArgumentNullException.ThrowIfNull(head);
        Head = head;
        Targets = targets;
        Loss = loss == LossKind.Auto ? DefaultLoss(head.Kind) : loss;
        HuberDelta = huberDelta;
        Categorical = CategoricalEncoding.ForHead(head);

        if (head.Outputs != targetCount)
            throw new ArgumentException($"The head has {head.Outputs} outputs but the task has {targetCount} {(targets == TargetKind.ClassLabels ? "classes" : "regression outputs")}.");
        if (head.Kind == HeadKind.Classification && targets != TargetKind.ClassLabels)
            throw new ArgumentException("A classification head needs class-label targets; the task has regression targets.");
        if (Loss == LossKind.CrossEntropy && head.Kind != HeadKind.Classification)
            throw new ArgumentException($"Cross-entropy needs a classification head; the head is {head.Kind}.");
        if (Loss == LossKind.TwoHotCrossEntropy && head.Kind != HeadKind.TwoHot)
            throw new ArgumentException($"Two-hot cross-entropy needs a two-hot head; the head is {head.Kind}.");
        if (Loss == LossKind.HlGaussCrossEntropy && head.Kind != HeadKind.HlGauss)
            throw new ArgumentException($"HL-Gauss cross-entropy needs an HL-Gauss head; the head is {head.Kind}.");
        if (head.IsCategorical && Loss != DefaultLoss(head.Kind))
            throw new ArgumentException($"A {head.Kind} head trains with {DefaultLoss(head.Kind)}; got {Loss}.");
    }

    /// <summary>The head.</summary>
    public HeadSpec Head { get; }

    /// <summary>The kind of task targets.</summary>
    public TargetKind Targets { get; }

    /// <summary>The resolved loss (never <see cref="LossKind.Auto"/>).</summary>
    public LossKind Loss { get; }

    /// <summary>Delta of the Huber loss.</summary>
    public double HuberDelta { get; }

    /// <summary>The encoding of a categorical head (two-hot or HL-Gauss), else null.</summary>
    public CategoricalEncoding? Categorical { get; }

    /// <summary>The two-hot encoding of a two-hot head, else null.</summary>
    public TwoHotEncoding? TwoHot => Categorical as TwoHotEncoding;

    /// <summary>True when predictions can be scored as correct or not (label tasks).</summary>
    public bool HasAccuracy => Targets == TargetKind.ClassLabels;

    /// <summary>The natural loss of a head kind.</summary>
    public static LossKind DefaultLoss(HeadKind head) => head switch
    {
        HeadKind.Classification => LossKind.CrossEntropy,
        HeadKind.TwoHot => LossKind.TwoHotCrossEntropy,
        HeadKind.HlGauss => LossKind.HlGaussCrossEntropy,
        _ => LossKind.Mse,
    };

    /// <summary>Targets in the form the loss consumes: labels for cross-entropy, float values <c>[N, outputs]</c> otherwise.</summary>
    public Tensor PrepareTargets(Tensor taskTargets)
    {
        if (Targets == TargetKind.ClassLabels && Loss != LossKind.CrossEntropy)
        {
            using var oneHot = nn.functional.one_hot(taskTargets, Head.Outputs);
            return oneHot.to_type(ScalarType.Float32);
        }
        return taskTargets.alias();
    }

    /// <summary>The mean loss of raw network outputs against prepared targets.</summary>
    public Tensor ComputeLoss(Tensor rawOutput, Tensor preparedTargets)
    {
        switch (Loss)
        {
            case LossKind.CrossEntropy:
                return nn.functional.cross_entropy(rawOutput, preparedTargets);
            case LossKind.Mse:
                return nn.functional.mse_loss(rawOutput, preparedTargets);
            case LossKind.Huber:
                return nn.functional.huber_loss(rawOutput, preparedTargets, delta: HuberDelta);
            case LossKind.TwoHotCrossEntropy or LossKind.HlGaussCrossEntropy:
            {
                using var scope = NewDisposeScope();
                var logits = rawOutput.view(rawOutput.shape[0], Head.Outputs, Head.Bins);
                var target = Categorical!.Encode(preparedTargets);
                var perValue = -(target * logits.log_softmax(-1)).sum(-1);
                return perValue.mean().MoveToOuterDisposeScope();
            }
            default:
                throw new InvalidOperationException($"Unknown loss {Loss}.");
        }
    }

    /// <summary>
    /// The weighted mean loss: each example's loss (averaged over its outputs) times its weight, averaged over the
    /// examples. With every weight 1 it equals <see cref="ComputeLoss(Tensor, Tensor)"/>; weights whose mean is 1 keep the
    /// loss on the same scale (the ML.NET trainers rescale example weights that way).
    /// </summary>
    /// <param name="rawOutput">The network's raw output <c>[N, ...]</c>.</param>
    /// <param name="preparedTargets">Targets from <see cref="PrepareTargets"/>, one row per example.</param>
    /// <param name="weights">Non-negative example weights <c>[N]</c>, float32 like the outputs.</param>
    public Tensor ComputeLoss(Tensor rawOutput, Tensor preparedTargets, Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.dim() != 1 || weights.shape[0] != rawOutput.shape[0])
            throw new ArgumentException($"Expected one weight per example ([{rawOutput.shape[0]}]); got shape [{string.Join(", ", weights.shape)}].", nameof(weights));
        using var scope = NewDisposeScope();
        Tensor perExample;
        switch (Loss)
        {
            case LossKind.CrossEntropy:
                perExample = nn.functional.cross_entropy(rawOutput, preparedTargets, reduction: nn.Reduction.None);
                break;
            case LossKind.Mse:
                perExample = nn.functional.mse_loss(rawOutput, preparedTargets, reduction: nn.Reduction.None).view(rawOutput.shape[0], -1).mean([1]);
                break;
            case LossKind.Huber:
                perExample = nn.functional.huber_loss(rawOutput, preparedTargets, reduction: nn.Reduction.None, delta: HuberDelta).view(rawOutput.shape[0], -1).mean([1]);
                break;
            case LossKind.TwoHotCrossEntropy:
            {
                var logits = rawOutput.view(rawOutput.shape[0], Head.Outputs, Head.Bins);
                var target = TwoHot!.Encode(preparedTargets);
                perExample = (-(target * logits.log_softmax(-1)).sum(-1)).mean([1]);
                break;
            }
            default:
                throw new InvalidOperationException($"Unknown loss {Loss}.");
        }
        return (perExample * weights).mean().MoveToOuterDisposeScope();
    }

    /// <summary>The decoded prediction <c>[N, outputs]</c> of a raw output (class logits, values, or two-hot expectations).</summary>
    public Tensor Decode(Tensor rawOutput)
    {
        if (Categorical is null) return rawOutput.alias();
        using var scope = NewDisposeScope();
        var logits = rawOutput.view(rawOutput.shape[0], Head.Outputs, Head.Bins);
        return Categorical.DecodeLogits(logits).MoveToOuterDisposeScope();
    }

    /// <summary>The number of correct predictions (argmax = label) as a scalar int64 tensor; label tasks only.</summary>
    public Tensor CountCorrect(Tensor rawOutput, Tensor labels)
    {
        if (!HasAccuracy) throw new InvalidOperationException("Regression targets have no accuracy.");
        using var scope = NewDisposeScope();
        var predicted = Decode(rawOutput).argmax(1);
        return predicted.eq(labels).sum().MoveToOuterDisposeScope();
    }
}
