using Microsoft.ML;
using Plasticity.ML.Search.Experiment;

namespace Plasticity.ML.Estimators.Search;

/// <summary>What <see cref="PlasticSearchExperiment.RunAsync"/> returns: the best model, its options, and the search's result.</summary>
public sealed class PlasticSearchResult
{
    internal PlasticSearchResult(ITransformer? bestModel, PlasticTrainerOptionsBase? bestOptions, SearchResult search)
    {
        BestModel = bestModel;
        BestOptions = bestOptions;
        Search = search;
    }

    /// <summary>
    /// The best settings' model, warm-started through every window of the data (the held-out ones too, each after it
    /// was scored): the model to deploy. Null when no trial completed. Save it with <c>mlContext.Model.Save</c>.
    /// </summary>
    public ITransformer? BestModel { get; }

    /// <summary>The trainer options of the best trial (with the data's column names), or null.</summary>
    public PlasticTrainerOptionsBase? BestOptions { get; }

    /// <summary>The search: the best trial, the history, the held-out report.</summary>
    public SearchResult Search { get; }
}
