using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Tests.Search.Experiment;

/// <summary>
/// Base of the test classes that search over the fixtures' window stream: each test gets the stream written to a folder
/// of its own (<see cref="Data"/>), and every folder it asks for (<see cref="Folder"/>) is deleted after it.
/// </summary>
public abstract class SearchFolderTests
{
    private readonly List<string> folders = [];

    /// <summary>The fixtures' window stream, written for this test.</summary>
    protected StreamReference Data { get; private set; } = null!;

    [TestInitialize]
    public void WriteSearchData() => Data = SearchFixtures.Write(Folder("data"));

    [TestCleanup]
    public void RemoveSearchFolders() => SearchFixtures.Delete([.. folders]);

    /// <summary>A new temporary folder, deleted after the test.</summary>
    protected string Folder(string what)
    {
        string folder = SearchFixtures.TempFolder(what);
        folders.Add(folder);
        return folder;
    }
}
