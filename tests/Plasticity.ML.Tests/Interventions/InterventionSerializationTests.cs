using Plasticity.ML.Common;
using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Churn;
using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class InterventionSerializationTests
{
    /// <summary>Every intervention, each with non-default settings.</summary>
    private static IReadOnlyList<InterventionSpec> Catalogue() =>
    [
        new ResetSpec { Layers = 2, ResetOptimizerState = false, Timing = InterventionTiming.Every(50) },
        new OptimizerStateResetSpec { Timing = InterventionTiming.Every(7) },
        new ShrinkPerturbSpec { Lambda = 0.6, Sigma = 0.02 },
        new ReDoSpec { Tau = 0.025, Samples = 64, ResetOptimizerState = false, Timing = InterventionTiming.Every(200) },
        new ContinualBackpropSpec { ReplacementRate = 3e-4, MaturityThreshold = 50, Decay = 0.95, ResetOptimizerState = false },
        new L2InitSpec { Lambda = 1e-2, Timing = InterventionTiming.Every(2) },
        new WeightDecaySpec { Coefficient = 1e-4, Mode = WeightDecayMode.Decoupled },
        new SamSpec { Rho = 0.1 },
        new SpectralNormSpec { Layer = 1, PowerIterations = 2 },
        new RandomWalkSpec(),
        new WeightClippingSpec { Kappa = 3, ClipOutputLayer = false },
        new NormalizeAndProjectSpec { ProjectNormalization = false, Timing = InterventionTiming.Every(5) },
        new ParsevalRegularizationSpec { Lambda = 1e-2, Scale = 2 },
        new PlasticityInjectionSpec { HeadLayers = 3, MaxInjections = 2, ResetOptimizerState = false, Timing = InterventionTiming.Every(100) },
        LayerResetSpec.SrSpr(headLayers: 1, timing: InterventionTiming.Every(40)),
        new HareTortoiseSpec { Momentum = 0.99, ResetOptimizerState = true },
        new ChurnReductionSpec { ReferenceBatch = 16, InitialCoefficient = 10, TargetRelativeScale = 0.02, AdaptAfterSteps = 100, Window = 500 },
    ];

    [TestMethod]
    public void EveryInterventionSurvivesJsonInsideTrainingOptions()
    {
        var catalogue = Catalogue();
        var registered = typeof(InterventionSpec).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(InterventionSpec)) && !t.IsAbstract).ToHashSet();
        CollectionAssert.AreEquivalent(registered.ToArray(), catalogue.Select(s => s.GetType()).ToArray(), "the catalogue covers every intervention type");

        var options = new ContinualTrainingOptions { Interventions = catalogue };
        string json = PlasticityJson.Serialize(options);
        var back = PlasticityJson.Deserialize<ContinualTrainingOptions>(json);

        Assert.HasCount(catalogue.Count, back.Interventions);
        for (int i = 0; i < catalogue.Count; i++)
        {
            Assert.AreEqual(catalogue[i], back.Interventions[i], $"{catalogue[i].DisplayName} after a round trip: {json}");
            back.Interventions[i].Validate();
            Assert.IsNotNull(back.Interventions[i].CreateHook());
        }
        StringAssert.Contains(json, "\"type\": \"continual-backprop\"");
    }

    [TestMethod]
    public void TheDisplayNameIsDerivedAndNeverWrittenToJson()
    {
        foreach (var spec in Catalogue())
        {
            // Serialized as the base type, as inside training options: the discriminator decides the derived type.
            string json = PlasticityJson.Serialize(spec);
            Assert.IsFalse(json.Contains("displayName", StringComparison.OrdinalIgnoreCase), $"{spec.GetType().Name}: {json}");
            var back = PlasticityJson.Deserialize<InterventionSpec>(json);
            Assert.AreEqual(spec, back);
            Assert.AreEqual(spec.DisplayName, back.DisplayName);
        }
    }

    [TestMethod]
    public void BadSettingsAreRejectedNamingTheField()
    {
        var bad = new (InterventionSpec Spec, string Field)[]
        {
            (new ShrinkPerturbSpec { Lambda = -1 }, "Lambda"),
            (new ReDoSpec { Tau = double.NaN }, "Tau"),
            (new ContinualBackpropSpec { ReplacementRate = 2 }, "ReplacementRate"),
            (new ContinualBackpropSpec { Decay = 1 }, "Decay"),
            (new L2InitSpec { Timing = InterventionTiming.AtTaskBoundaries }, "Timing"),
            (new SamSpec { Rho = 0 }, "Rho"),
            (new SpectralNormSpec { Timing = InterventionTiming.Every(3) }, "Timing"),
            (new WeightDecaySpec { Coefficient = -1 }, "Coefficient"),
            (new WeightClippingSpec { Kappa = 0 }, "Kappa"),
            (new NormalizeAndProjectSpec { Timing = InterventionTiming.AtTaskBoundaries }, "Timing"),
            (new ParsevalRegularizationSpec { Scale = -1 }, "Scale"),
            (new PlasticityInjectionSpec { HeadLayers = 0 }, "HeadLayers"),
            (new LayerResetSpec { Reset = [] }, "Reset"),
            (new LayerResetSpec { ShrinkFactor = 1.5 }, "ShrinkFactor"),
            (new HareTortoiseSpec { Momentum = 1 }, "Momentum"),
            (new ChurnReductionSpec { Window = 0 }, "Window"),
            (new ChurnReductionSpec { Timing = InterventionTiming.Every(2) }, "Timing"),
        };
        foreach (var (spec, field) in bad)
        {
            var error = Assert.ThrowsExactly<ArgumentException>(spec.Validate, spec.GetType().Name);
            StringAssert.Contains(error.Message, field);
        }
    }
}
