using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators.Reinforcement;
using Plasticity.ML.Reinforcement.Agents;
using static Plasticity.ML.Estimators.Tests.Reinforcement.ExportFixtures;

namespace Plasticity.ML.Estimators.Tests.Reinforcement;

/// <summary>
/// An exported Q-network scores as the agent it came from: its Q-values are the agent's own (C51's expected returns,
/// not its atoms), its PredictedLabel is the greedy action with the action names as key values, and bad feature
/// columns get ML.NET's schema-mismatch message with the expected and actual types.
/// </summary>
[TestClass]
public sealed class QNetworkScoringTests
{
    [TestMethod]
    public void OneRowScoresAreTheAgentsQValuesBitForBit()
    {
        // The PredictionEngine and the model's own QValues run the forward pass on one row, as the agent does when it
        // acts: the same weights, the same input floats, the same operations, so the same bits.
        var ml = new MLContext(seed: 0);
        var agent = BreakoutDqn;
        var observations = Observations(Breakout(), 40, seed: 5);
        using var transformer = agent.ToTransformer(ml);
        var engine = ml.Model.CreatePredictionEngine<ObservationRow, QPrediction>(transformer, inputSchemaDefinition: Schema(400));
        foreach (var observation in observations)
        {
            float[] expected = agent.QValues(observation);
            var prediction = engine.Predict(new ObservationRow { Features = observation.Select(b => (float)b).ToArray() });
            CollectionAssert.AreEqual(Bits(expected), Bits(prediction.Score));
            CollectionAssert.AreEqual(Bits(expected), Bits(transformer.Model.QValues(observation)));
            Assert.AreEqual((uint)ArgMax(expected) + 1, prediction.PredictedLabel);
        }
        Assert.IsGreaterThan(1, observations.Select(o => Convert.ToHexString(o)).Distinct().Count(), "the walk must visit more than one observation");
    }

    [TestMethod]
    public void BlockScoresAreTheAgentsQValuesToFloatRounding()
    {
        // Transform scores blocks of rows in one forward pass; libtorch may order a matrix product's sums differently for
        // a block than for one row, so the values agree to float rounding (1e-6 relative), not necessarily bit for bit.
        var ml = new MLContext(seed: 0);
        var agent = BreakoutDqn;
        var observations = Observations(Breakout(), 300, seed: 6);
        using var transformer = agent.ToTransformer(ml);
        var (scores, keys) = Read(transformer.Transform(ObservationData(ml, observations)));
        float[] expected = AgentQValues(agent, observations);
        Assert.HasCount(expected.Length, scores);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], scores[i], 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"value {i}");
        for (int r = 0; r < observations.Count; r++)
            Assert.AreEqual((uint)ArgMax(scores.AsSpan(r * 6, 6)) + 1, keys[r], $"row {r}: the greedy action is the argmax of its scores");
    }

    [TestMethod]
    public void PredictedLabelIsTheAgentsGreedyActionAndMapsToItsName()
    {
        var ml = new MLContext(seed: 0);
        var agent = BreakoutDqn;
        var observations = Observations(Breakout(), 60, seed: 7);
        using var transformer = agent.ToTransformer(ml);
        var scored = transformer.Transform(ObservationData(ml, observations));
        var named = ml.Transforms.Conversion.MapKeyToValue("Action", "PredictedLabel").Fit(scored).Transform(scored);
        string[] actions = named.GetColumn<string>("Action").ToArray();
        var greedy = new Random(0);
        for (int r = 0; r < observations.Count; r++)
        {
            int action = agent.SelectAction(observations[r], epsilon: 0, greedy);
            Assert.AreEqual(agent.Environment.ActionNames[action], actions[r], $"row {r}");
        }
        Assert.IsGreaterThan(1, actions.Distinct().Count(), "a trained agent should not choose one action everywhere (else this test shows little)");
    }

    [TestMethod]
    public void C51ExportsTheExpectedReturnOfEachActionNotItsAtoms()
    {
        var ml = new MLContext(seed: 0);
        var agent = (C51Agent)BreakoutC51;
        var observations = Observations(Breakout(), 20, seed: 8);
        using var transformer = agent.ToTransformer(ml);
        var head = agent.NetworkSpec.Head;
        Assert.AreEqual(6, ((VectorDataViewType)transformer.GetOutputSchema(ObservationData(ml, observations).Schema)["Score"].Type).Size, "one Q-value per action, not 6 x 51 atoms");

        var engine = ml.Model.CreatePredictionEngine<ObservationRow, QPrediction>(transformer, inputSchemaDefinition: Schema(400));
        using var network = transformer.Model.CopyNetwork();
        foreach (var observation in observations)
        {
            var score = engine.Predict(new ObservationRow { Features = observation.Select(b => (float)b).ToArray() }).Score;
            CollectionAssert.AreEqual(Bits(agent.QValues(observation)), Bits(score));
            // By hand, in float64: softmax over each action's atom logits, times the support linspace(min, max, atoms).
            using var input = TorchSharp.torch.tensor(observation.Select(b => (float)b).ToArray(), [1, 4, 10, 10]);
            using var logits = network.forward(input);
            float[] raw = logits.data<float>().ToArray();
            for (int a = 0; a < 6; a++)
            {
                var z = raw.AsSpan(a * head.Bins, head.Bins).ToArray().Select(v => (double)v).ToArray();
                double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
                double expected = Enumerable.Range(0, head.Bins).Sum(i => Math.Exp(z[i] - max) / sum * (head.Min + (head.Max - head.Min) * i / (head.Bins - 1)));
                Assert.AreEqual(expected, score[a], 1e-5, $"action {a}");
            }
        }
    }

    [TestMethod]
    public void RawObservationValuesAreScaledAsTheAgentScalesThem()
    {
        // Pixels go up to 255: Features hold the raw bytes, and the model divides by 255 as the agent does.
        var ml = new MLContext(seed: 0);
        var agent = PixelsDoubleDqn;
        var observations = Observations(Pixels(), 30, seed: 9);
        Assert.IsTrue(observations.Any(o => o.Any(b => b > 1)), "the test needs observations above 1");
        using var transformer = agent.ToTransformer(ml);
        Assert.AreEqual((byte)255, transformer.Model.ObservationMaximum);
        var engine = ml.Model.CreatePredictionEngine<ObservationRow, QPrediction>(transformer, inputSchemaDefinition: Schema(50));
        foreach (var observation in observations)
            CollectionAssert.AreEqual(Bits(agent.QValues(observation)), Bits(engine.Predict(new ObservationRow { Features = observation.Select(b => (float)b).ToArray() }).Score));
    }

    [TestMethod]
    public void TheSchemaNamesTheActionsOnTheScoreAndTheKeyedGreedyAction()
    {
        var ml = new MLContext(seed: 0);
        var agent = BreakoutDqn;
        using var transformer = agent.ToTransformer(ml);
        var data = ObservationData(ml, Observations(Breakout(), 2, seed: 1));
        var schema = transformer.GetOutputSchema(data.Schema);
        string[] names = ["noop", "left", "up", "right", "down", "fire"];
        CollectionAssert.AreEqual(names, agent.Environment.ActionNames);
        CollectionAssert.AreEqual(names, transformer.Model.ActionNames.ToArray());

        var score = schema["Score"];
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 6), score.Type);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        score.GetSlotNames(ref slots);
        CollectionAssert.AreEqual(names, slots.DenseValues().Select(s => s.ToString()).ToArray());

        var label = schema["PredictedLabel"];
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 6), label.Type);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        label.GetKeyValues(ref keys);
        CollectionAssert.AreEqual(names, keys.DenseValues().Select(s => s.ToString()).ToArray());

        foreach (var column in new[] { score, label })
        {
            ReadOnlyMemory<char> kind = default;
            column.Annotations.GetValue("ScoreColumnKind", ref kind);
            Assert.AreEqual("QValues", kind.ToString());
        }
        Assert.AreEqual("Features", transformer.FeatureColumnName);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 400), transformer.FeatureColumnType);
        Assert.AreEqual(AgentKind.Dqn, transformer.Model.AgentKind);
        Assert.AreEqual("minatar:breakout", transformer.Model.EnvironmentName);
        CollectionAssert.AreEqual(new[] { 4, 10, 10 }, transformer.Model.ObservationShape.ToArray());
        Assert.AreEqual(400L, agent.Steps);
        Assert.AreEqual(400L, transformer.Model.StepsTrained);
    }

    [TestMethod]
    public void TheExportIsACopyThatOutlivesTheAgent()
    {
        var ml = new MLContext(seed: 0);
        var environment = Breakout();
        var observations = Observations(environment, 10, seed: 3);
        QNetworkTransformer transformer;
        float[] expected;
        using (var agent = Agent.Create(Quick(AgentKind.Dqn, seed: 4) with { TotalSteps = 1 }, environment.Spec))
        {
            transformer = agent.ToTransformer(ml);
            expected = AgentQValues(agent, observations);
        }
        using (transformer)
            CollectionAssert.AreEqual(Bits(expected), Bits(observations.SelectMany(o => transformer.Model.QValues(o))));
    }

    [TestMethod]
    public void ConcurrentTransformsScoreAlike()
    {
        var ml = new MLContext(seed: 0);
        using var transformer = BreakoutDqn.ToTransformer(ml);
        var data = ObservationData(ml, Observations(Breakout(), 200, seed: 10));
        int[] expected = Bits(Read(transformer.Transform(data)).Scores);
        var results = new int[4][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = Bits(Read(transformer.Transform(data)).Scores));
        foreach (var result in results) CollectionAssert.AreEqual(expected, result);
    }

    [TestMethod]
    public void AFeatureColumnOfTheWrongSizeIsASchemaMismatchNamingBothSizes()
    {
        var ml = new MLContext(seed: 0);
        using var transformer = BreakoutDqn.ToTransformer(ml);
        var data = ObservationData(ml, [new byte[399]], size: 399);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(data));
        Assert.AreEqual("inputSchema", e.ParamName);
        StringAssert.StartsWith(e.Message,
            "Schema mismatch for feature column 'Features': expected known-size vector of Single of size 400 (the observation size 4x10x10 of minatar:breakout, channels first), got Vector<Single, 399>");
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Model.CreatePredictionEngine<ObservationRow, QPrediction>(transformer, inputSchemaDefinition: Schema(399)));
    }

    public sealed class DoubleRow
    {
        [VectorType(400)] public double[] Features { get; set; } = [];
    }

    public sealed class OtherRow
    {
        [VectorType(400)] public float[] Observation { get; set; } = [];
    }

    [TestMethod]
    public void AFeatureColumnOfTheWrongTypeOrNameIsReported()
    {
        var ml = new MLContext(seed: 0);
        using var transformer = BreakoutDqn.ToTransformer(ml);
        var doubles = ml.Data.LoadFromEnumerable([new DoubleRow { Features = new double[400] }]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(doubles.Schema));
        StringAssert.StartsWith(e.Message, "Schema mismatch for feature column 'Features': expected known-size vector of Single, got Vector<Double, 400>");

        var other = ml.Data.LoadFromEnumerable([new OtherRow { Observation = new float[400] }]);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(other));
        StringAssert.StartsWith(e.Message, "Could not find feature column 'Features'");
        using var renamed = BreakoutDqn.ToTransformer(ml, featureColumnName: "Observation");
        var (scores, keys) = Read(renamed.Transform(other));
        Assert.HasCount(6, scores);
        Assert.HasCount(1, keys);
    }

    [TestMethod]
    public void BadExportArgumentsAreRefused()
    {
        var ml = new MLContext(seed: 0);
        Assert.Throws<ArgumentNullException>(() => ((Agent)null!).ToTransformer(ml));
        Assert.Throws<ArgumentNullException>(() => BreakoutDqn.ToTransformer(null!));
        Assert.Throws<ArgumentException>(() => BreakoutDqn.ToTransformer(ml, featureColumnName: " "));
        var spec = Breakout().Spec with { ActionNames = ["noop"] };
        using var agent = Agent.Create(Quick(AgentKind.Dqn, seed: 1), spec);
        var e = Assert.Throws<ArgumentException>(() => agent.ToTransformer(ml));
        StringAssert.StartsWith(e.Message, "minatar:breakout has 6 actions but 1 action names; the exported PredictedLabel needs one name per action.");
    }
}
