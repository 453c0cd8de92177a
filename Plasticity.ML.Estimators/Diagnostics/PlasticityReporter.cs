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
        using var network = model.CopyNetwork();
        using var inputs = tensor(features.Values, [features.Rows, model.FeatureCount]);
        return Measure(network, inputs, options.Optimizer ?? model.Settings.Optimizer, options, cancellationToken);
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

        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var trace = network.Trace(inputs);
            var dead = new double[trace.Activations.Count];
            var dormant = new double[trace.Activations.Count];
            for (int i = 0; i < trace.Activations.Count; i++)
            {
                // Per unit (channel for convolutions): mean |activation| over rows (and positions).
                var activation = trace.Activations[i];
                var perUnit = activation.dim() > 2 ? activation.abs().mean([0L, 2L, 3L]) : activation.abs().mean([0L]);
                double units = perUnit.shape[0];
                dead[i] = perUnit.eq(0).sum().item<long>() / units;
                var layerMean = perUnit.mean();
                var score = perUnit / (layerMean + 1e-12);
                dormant[i] = score.le(options.DormantThreshold).sum().item<long>() / units;
            }
            var penultimate = network.Features(inputs).to_type(ScalarType.Float64);
            var singular = linalg.svdvals(penultimate);
            var values = singular.data<double>().ToArray();
            double total = values.Sum(), cumulative = 0;
            int rank = 0;
            if (total > 0)
            {
                while (rank < values.Length && cumulative < (1 - options.RankThreshold) * total) cumulative += values[rank++];
            }
            double squares = 0;
            foreach (var parameter in network.parameters()) squares += parameter.to_type(ScalarType.Float64).square().sum().item<double>();
            return new PlasticityReport
            {
                ProbeLoss = probe.MeanLoss,
                ProbeLossStd = probe.StdLoss,
                ProbeBaseline = probe.TargetVariance,
                DeadUnitFraction = dead,
                DormantUnitFraction = dormant,
                FeatureRank = rank,
                FeatureWidth = (int)penultimate.shape[1],
                ParameterNorm = Math.Sqrt(squares),
                Rows = (int)inputs.shape[0],
            };
        }
        finally
        {
            if (wasTraining) network.train();
        }
    }

    private static (float[] Values, int Rows) ReadFeatures(PlasticNeuralNetworkTransformer model, IDataView data, int maxRows)
    {
        var column = SchemaErrors.FeatureColumn(data.Schema, model.FeatureColumnName, model.FeatureCount);
        int d = model.FeatureCount;
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
