using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Diagnostics;

/// <summary>Measures a <see cref="PlasticityReport"/> for a trained model on data (e.g. the newest window).</summary>
public static class PlasticityReporter
{
    /// <summary>Reports on <paramref name="model"/> using up to <see cref="PlasticityReportOptions.MaxRows"/> rows of <paramref name="data"/>.</summary>
    /// <param name="model">The trained model; not modified (the probe trains copies).</param>
    /// <param name="data">Data with the model's feature column.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the probe between steps.</param>
    public static PlasticityReport Measure(PlasticNeuralNetworkTransformer model, IDataView data, PlasticityReportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new PlasticityReportOptions();
        options.Validate();
        var features = ReadFeatures(model, data, options.MaxRows);
        using var network = model.Model.CopyNetwork();
        using var inputs = tensor(features.Values, [features.Rows, model.Model.FeatureCount]);
        return Measure(network, inputs, options.Optimizer ?? model.Model.TrainingSettings.Optimizer, options, cancellationToken);
    }

    /// <summary>Reports on a network and inputs <c>[N, features]</c> directly.</summary>
    public static PlasticityReport Measure(PlasticNetwork network, Tensor inputs, OptimizerOptions optimizer, PlasticityReportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var probe = new PlasticityProbe(options.Probe).Measure(network, optimizer, inputs, options.Seed, cancellationToken);

        // The mechanism statistics are the core library's (Plasticity.ML.Diagnostics), so the numbers a production
        // log shows are the ones the lab and the paper's analysis use.
        var units = UnitActivity.Measure(network, inputs, [0.0, options.DormantThreshold]);
        var features = FeatureRank.Measure(network, inputs, options.RankThreshold);
        var weights = WeightStatistics.Measure(network, options.RankThreshold);
        return new PlasticityReport
        {
            ProbeLoss = probe.MeanLoss,
            ProbeLossStd = probe.StdLoss,
            ProbeBaseline = probe.TargetVariance,
            DeadUnitFraction = units.Layers.Select(l => (double)l.Dead / l.Units).ToArray(),
            DormantUnitFraction = units.Layers.Select(l => (double)l.Dormant[1] / l.Units).ToArray(),
            LinearizedUnitFraction = units.Layers.Select(l => (double)l.Linearized / l.Units).ToArray(),
            FeatureRank = features.StableRank,
            FeatureEffectiveRank = features.EffectiveRank,
            FeatureWidth = (int)network.OutputLayer.weight!.shape[1],
            ParameterNorm = weights.L2Norm,
            MeanAbsoluteWeight = weights.MeanAbsolute,
            Rows = (int)inputs.shape[0],
        };
    }

    private static (float[] Values, int Rows) ReadFeatures(PlasticNeuralNetworkTransformer model, IDataView data, int maxRows)
    {
        var column = SchemaErrors.FeatureColumn(data.Schema, model.FeatureColumnName, model.Model.FeatureCount);
        int d = model.Model.FeatureCount;
        var values = new float[checked(maxRows * d)];
        int rows = 0;
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        while (rows < maxRows && cursor.MoveNext())
        {
            getter(ref buffer);
            var destination = values.AsSpan(rows * d, d);
            buffer.CopyTo(destination);
            foreach (float v in destination)
                if (!float.IsFinite(v)) throw new InvalidOperationException($"Feature column '{column.Name}' holds NaN or Infinity at row {rows}; the report needs finite features.");
            rows++;
        }
        if (rows == 0) throw new InvalidOperationException("The data has no rows: a plasticity report needs at least one.");
        return (values[..(rows * d)], rows);
    }
}
