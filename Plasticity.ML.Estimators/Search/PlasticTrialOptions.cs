using System.Text.Json;
using System.Text.Json.Nodes;
using Plasticity.ML.Common;

namespace Plasticity.ML.Estimators.Search;

/// <summary>
/// The options of one ML.NET search trial, as the trial spec carries them: which trainer (the prediction kind), its
/// options with the trial's parameters applied, and the label's class names (so the trained model's predicted label
/// keeps ML.NET's KeyValues and <c>MapKeyToValue</c> works on it).
/// </summary>
public sealed record PlasticTrialOptions
{
    /// <summary>The trainer: regression, binary or multiclass.</summary>
    public required PlasticPredictionKind Kind { get; init; }

    /// <summary>The trainer's options (<c>PlasticMulticlassClassificationTrainer.Options</c>, ...) as JSON.</summary>
    public required JsonObject Trainer { get; init; }

    /// <summary>The names of the classes, in key order (multiclass with a text KeyValues annotation), or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The trial options of <paramref name="options"/> for a trainer of <paramref name="kind"/>.</summary>
    public static PlasticTrialOptions For(PlasticPredictionKind kind, PlasticTrainerOptionsBase options, IReadOnlyList<string>? classNames)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PlasticTrialOptions
        {
            Kind = kind,
            Trainer = JsonSerializer.SerializeToNode(options, options.GetType(), PlasticityJson.Options)!.AsObject(),
            ClassNames = classNames,
        };
    }

    /// <summary>Reads trial options from JSON; throws <see cref="ArgumentException"/> for malformed JSON.</summary>
    public static PlasticTrialOptions Parse(string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        try
        {
            return PlasticityJson.Deserialize<PlasticTrialOptions>(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The options are not valid {nameof(PlasticTrialOptions)} JSON: {e.Message}", e);
        }
    }

    /// <summary>The trainer's options object (a fresh copy).</summary>
    public PlasticTrainerOptionsBase CreateTrainerOptions()
    {
        try
        {
            return Kind switch
            {
                PlasticPredictionKind.MulticlassClassification => Trainer.Deserialize<PlasticMulticlassClassificationTrainer.Options>(PlasticityJson.Options)!,
                PlasticPredictionKind.BinaryClassification => Trainer.Deserialize<PlasticBinaryClassificationTrainer.Options>(PlasticityJson.Options)!,
                PlasticPredictionKind.Regression => Trainer.Deserialize<PlasticRegressionTrainer.Options>(PlasticityJson.Options)!,
                _ => throw new ArgumentException($"{nameof(Kind)} {(int)Kind} is not a {nameof(PlasticPredictionKind)}."),
            };
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The trainer options are not valid {Kind} options JSON: {e.Message}", e);
        }
    }
}
