using Microsoft.ML;
using Plasticity.ML.Common;

namespace Plasticity.ML.Estimators;

/// <summary>Model file helpers for <see cref="ModelOperationsCatalog"/>.</summary>
public static class PlasticModelOperationsExtensions
{
    /// <summary>
    /// Like <c>mlContext.Model.Save(model, schema, path)</c>, but writes to a temporary file beside
    /// <paramref name="filePath"/> and renames it into place only when the save succeeded: a failed save (a component
    /// that cannot be saved, a full disk, a crash) leaves any previous file untouched and no half-written file behind.
    /// </summary>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        AtomicFile.Write(filePath, stream => catalog.Save(model, inputSchema, stream));
    }
}
