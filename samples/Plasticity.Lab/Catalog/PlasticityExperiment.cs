using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// The flagship experiment: an MLP memorizes random labels that are re-drawn at every task, regressing the
/// one-hot "reward" vector of each image (the paper's classification MDP with a discount of 0, so the regression
/// and two-hot heads both apply). The probe runs on the initial network and after every other task. Variants:
/// the plain MLP, + LayerNorm, + a two-hot head, + a reset of the last layer at each task boundary.
/// </summary>
public sealed class PlasticityExperiment : LabExperiment
{
    /// <inheritdoc />
    public override string Name => "plasticity";

    /// <inheritdoc />
    public override string Description =>
        "Random-label memorization, re-drawn every task: plain MLP vs + LayerNorm, + two-hot head, + last-layer reset, with the plasticity probe.";

    /// <inheritdoc />
    public override ExperimentSpec CreateSpec(LabPreset preset)
    {
        var size = preset switch
        {
            LabPreset.Smoke => new Size(Samples: 256, Width: 32, Tasks: 3, Steps: 40, ProbeTargets: 2, ProbeSteps: 40, ProbeInputs: 128, ProbeEvery: 1, Seeds: 1),
            LabPreset.Full => new Size(Samples: 5000, Width: 256, Tasks: 30, Steps: 1000, ProbeTargets: 10, ProbeSteps: 2000, ProbeInputs: 1024, ProbeEvery: 3, Seeds: 5),
            _ => new Size(Samples: 2000, Width: 128, Tasks: 10, Steps: 400, ProbeTargets: 3, ProbeSteps: 300, ProbeInputs: 512, ProbeEvery: 2, Seeds: 3),
        };
        var regression = new HeadSpec { Kind = HeadKind.Regression, Outputs = 10 };
        return new ExperimentSpec
        {
            Name = Name,
            Description = Description,
            Data = new DataSpec { Source = "embedded", Samples = size.Samples, Seed = 0 },
            Tasks = new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = size.Tasks, Seed = 0 },
            Training = new ContinualTrainingOptions
            {
                Network = new NetworkSpec { InputShape = [784], HiddenWidths = [size.Width, size.Width], Head = regression },
                Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 },
                BatchSize = 64,
                StepsPerTask = size.Steps,
                Probe = new ProbeOptions { Targets = size.ProbeTargets, Steps = size.ProbeSteps, Inputs = size.ProbeInputs, BatchSize = 64, CurvePoints = 10 },
                ProbeEveryTasks = size.ProbeEvery,
            },
            Variants =
            [
                new VariantSpec { Name = "baseline" },
                new VariantSpec { Name = "layernorm", Normalization = NormalizationKind.LayerNorm },
                new VariantSpec { Name = "two-hot", Head = new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 10, Bins = 51, Min = -2, Max = 2 } },
                new VariantSpec { Name = "reset-last-layer", Interventions = [new ResetSpec { Layers = 1 }] },
            ],
            Seeds = size.Seeds,
            FirstSeed = 1,
        };
    }

    private sealed record Size(int Samples, int Width, int Tasks, int Steps, int ProbeTargets, int ProbeSteps, int ProbeInputs, int ProbeEvery, int Seeds);
}
