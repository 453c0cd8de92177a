using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Training.Checkpoints;

[TestClass]
public sealed class CheckpointTests
{
    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"plasticity-checkpoint-{Guid.NewGuid():N}.zip");

    private static Checkpoint Sample(string description, double value)
    {
        var checkpoint = new Checkpoint(description);
        var bag = checkpoint.Add("part");
        bag.Set("count", 42L);
        bag.Set("value", value);
        bag.Set("nan", double.NaN);
        bag.Set("text", "ReLU → LayerNorm");
        bag.Set("longs", new long[] { long.MinValue, 0, long.MaxValue });
        bag.Set("doubles", new[] { 0.1, -0.0, double.PositiveInfinity });
        bag.Set("floats", new[] { 1.5f, float.Epsilon });
        bag.Set("bytes", new byte[] { 0, 255, 7 });
        using var t = TensorComparisons.Shaped(new[] { 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f }, 2, 3);
        bag.Set("tensor", t);
        using var d = tensor(new[] { Math.PI, Math.E });
        bag.Set("tensor64", d);
        return checkpoint;
    }

    [TestMethod]
    public void EveryKindOfEntryRoundTripsBitForBit()
    {
        string path = TempFile();
        try
        {
            Sample("{\"where\": 3}", 0.125).Save(path);
            var loaded = Checkpoint.Load(path);
            Assert.AreEqual("{\"where\": 3}", loaded.Description);
            var bag = loaded.Bag("part");
            Assert.AreEqual(42L, bag.GetInt64("count"));
            Assert.AreEqual(0.125, bag.GetDouble("value"));
            Assert.IsTrue(double.IsNaN(bag.GetDouble("nan")));
            Assert.AreEqual("ReLU → LayerNorm", bag.GetText("text"));
            CollectionAssert.AreEqual(new long[] { long.MinValue, 0, long.MaxValue }, bag.GetInt64Array("longs"));
            var doubles = bag.GetDoubleArray("doubles");
            Assert.AreEqual(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(doubles[1]), "negative zero keeps its sign bit");
            CollectionAssert.AreEqual(new[] { 1.5f, float.Epsilon }, bag.GetSingleArray("floats"));
            CollectionAssert.AreEqual(new byte[] { 0, 255, 7 }, bag.GetBytes("bytes"));
            using var t = bag.GetTensor("tensor");
            CollectionAssert.AreEqual(new long[] { 2, 3 }, t.shape);
            CollectionAssert.AreEqual(new[] { 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f }, t.data<float>().ToArray());
            using var target = zeros(2, dtype: ScalarType.Float64);
            bag.CopyInto("tensor64", target);
            CollectionAssert.AreEqual(new[] { Math.PI, Math.E }, target.data<double>().ToArray());
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void DeleteRemovesBothGenerationsAndTheTemporaryFilesOfAKilledWrite()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"plasticity-checkpoint-delete-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "run.checkpoint");
            Sample("first", 1).Save(path);
            Sample("second", 2).Save(path);
            // What a process killed inside AtomicFile.Write leaves beside the checkpoint.
            File.WriteAllText(Path.Combine(folder, ".run.checkpoint.staged.0123456789abcdef.tmp"), "half");
            File.WriteAllText(Path.Combine(folder, ".run.checkpoint.fedcba9876543210.tmp"), "half");
            // Another run's files in the same folder stay.
            string other = Path.Combine(folder, "other.checkpoint");
            Sample("other", 3).Save(other);
            File.WriteAllText(Path.Combine(folder, ".other.checkpoint.staged.0123456789abcdef.tmp"), "half");
            Assert.HasCount(6, Directory.EnumerateFiles(folder));

            Checkpoint.Delete(path);

            CollectionAssert.AreEquivalent(new[] { "other.checkpoint", ".other.checkpoint.staged.0123456789abcdef.tmp" },
                Directory.EnumerateFiles(folder).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A checkpoint whose byte arrays of 1 KiB and more are parts: "a" and "b" of 4 KiB, and 10 bytes inline.</summary>
    private static Checkpoint WithParts(string description, byte a, byte b)
    {
        var checkpoint = new Checkpoint(description) { PartThreshold = 1024 };
        var bag = checkpoint.Add("replay");
        bag.Set("a", Enumerable.Range(0, 4096).Select(i => (byte)(i * a)).ToArray());
        bag.Set("b", Enumerable.Range(0, 4096).Select(i => (byte)(i * b)).ToArray());
        bag.Set("small", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
        bag.Set("count", 7L);
        return checkpoint;
    }

    private static string PartName(byte[] bytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));

    private static string[] PartFiles(string path) =>
        [.. Directory.EnumerateFiles(CheckpointParts.FolderOf(path)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [TestMethod]
    public void LargeArraysAreKeptAsPartsThatOnlyChangedContentRewritesAndNeitherGenerationLoses()
    {
        string path = TempFile();
        try
        {
            var first = WithParts("first", a: 3, b: 5);
            first.Save(path);
            byte[] a1 = first.Bag("replay").GetBytes("a"), b = first.Bag("replay").GetBytes("b");
            CollectionAssert.AreEqual(new[] { PartName(a1), PartName(b) }.Order(StringComparer.Ordinal).ToArray(), PartFiles(path), "one part per large array, named by its SHA-256");
            Assert.IsLessThan(4096L, new FileInfo(path).Length, "the large arrays are not inside the archive");
            string bPart = Path.Combine(CheckpointParts.FolderOf(path), PartName(b));
            var bWritten = File.GetLastWriteTimeUtc(bPart);

            // "b" unchanged: its part is not written again; "a" changed: a new part, and the old one stays for the previous generation.
            var second = WithParts("second", a: 7, b: 5);
            second.Save(path);
            byte[] a2 = second.Bag("replay").GetBytes("a");
            CollectionAssert.AreEqual(new[] { PartName(a1), PartName(a2), PartName(b) }.Order(StringComparer.Ordinal).ToArray(), PartFiles(path));
            Assert.AreEqual(bWritten, File.GetLastWriteTimeUtc(bPart), "an unchanged part is not rewritten");

            // A third generation: the first's part of "a" is named by neither generation left, so it goes.
            var third = WithParts("third", a: 11, b: 5);
            third.Save(path);
            byte[] a3 = third.Bag("replay").GetBytes("a");
            CollectionAssert.AreEqual(new[] { PartName(a2), PartName(a3), PartName(b) }.Order(StringComparer.Ordinal).ToArray(), PartFiles(path));

            foreach (var (file, a) in new[] { (path, a3), (Checkpoint.PreviousPath(path), a2) })
            {
                var bag = Checkpoint.Load(file).Bag("replay");
                CollectionAssert.AreEqual(a, bag.GetBytes("a"), file);
                CollectionAssert.AreEqual(b, bag.GetBytes("b"), file);
                CollectionAssert.AreEqual(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, bag.GetBytes("small"));
                Assert.AreEqual(7L, bag.GetInt64("count"));
            }

            // A bag read without its checkpoint cannot reach the parts: refused, not read as something else.
            using var bagOnly = new MemoryStream();
            third.Bag("replay").WriteTo(bagOnly, (_, _) => PartName(a3), partThreshold: 1024);
            bagOnly.Position = 0;
            var alone = Assert.ThrowsExactly<InvalidDataException>(() => StateBag.ReadFrom(bagOnly, "replay"));
            StringAssert.Contains(alone.Message, "'a' is kept in a part file");

            Checkpoint.Delete(path);
            Assert.IsFalse(Directory.Exists(CheckpointParts.FolderOf(path)), "Delete removes the parts too");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void APartNameKnownToTheBagIsUsedUntilTheEntryIsReplaced()
    {
        byte[] bytes = [.. Enumerable.Range(0, 2048).Select(i => (byte)(i * 7))];
        var bag = new StateBag("replay");
        int asked = 0;
        bag.SetBorrowed("a", bytes, () => { asked++; return "KNOWN"; });
        var given = new List<string?>();
        void Write() => bag.WriteTo(Stream.Null, (_, known) => { given.Add(known); return "stored"; }, partThreshold: 1024);

        Write();
        CollectionAssert.AreEqual(new[] { "KNOWN" }, given, "the owner's name is handed to the part store");
        Assert.AreEqual(1, asked, "asked only when the entry becomes a part");

        // Replacing the entry forgets the name: the new bytes are hashed by the store.
        bag.Set("a", bytes.AsSpan(0, 1500));
        Write();
        CollectionAssert.AreEqual(new[] { "KNOWN", null }, given);

        // A borrowed entry below the threshold stays inside the bag and its name is never asked for.
        bag.SetBorrowed("small", bytes.AsMemory(0, 100), () => { asked++; return "SMALL"; });
        Write();
        Assert.AreEqual(1, asked);
    }

    [TestMethod]
    public void AMissingOrDamagedPartIsRefusedNamingItAndThePreviousGenerationIsUsed()
    {
        string path = TempFile();
        try
        {
            WithParts("first", a: 3, b: 5).Save(path);
            var second = WithParts("second", a: 7, b: 5);
            second.Save(path);
            string part = Path.Combine(CheckpointParts.FolderOf(path), PartName(second.Bag("replay").GetBytes("a")));

            var bytes = File.ReadAllBytes(part);
            bytes[100] ^= 1;
            File.WriteAllBytes(part, bytes);
            var damaged = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path));
            StringAssert.Contains(damaged.Message, path);
            StringAssert.Contains(damaged.Message, part + " does not match its checksum");
            var warnings = new List<string>();
            Assert.AreEqual("first", Checkpoint.LoadNewest(path, warnings.Add)!.Description, "the previous generation's parts are intact");
            Assert.HasCount(1, warnings);

            File.Delete(part);
            var missing = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path));
            StringAssert.Contains(missing.Message, part + " is missing");

            File.WriteAllBytes(part, bytes[..^1]);
            var shorter = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path));
            StringAssert.Contains(shorter.Message, "holds 4,095 bytes, not 4,096");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void MissingOrMistypedEntriesNameThemselves()
    {
        var bag = Sample("{}", 1).Bag("part");
        var missing = Assert.ThrowsExactly<InvalidDataException>(() => bag.GetInt64("steps"));
        StringAssert.Contains(missing.Message, "'steps'");
        var mistyped = Assert.ThrowsExactly<InvalidDataException>(() => bag.GetText("count"));
        StringAssert.Contains(mistyped.Message, "'count'");
        using var wrongShape = zeros(3);
        var shape = Assert.ThrowsExactly<InvalidDataException>(() => bag.CopyInto("tensor", wrongShape));
        StringAssert.Contains(shape.Message, "[2, 3]");
    }

    [TestMethod]
    public void TheDescriptionIsReadFromTheNewestGenerationThatCanBeRead()
    {
        string path = TempFile();
        try
        {
            Assert.IsNull(Checkpoint.ReadDescription(path), "no checkpoint yet");
            Sample("first", 1).Save(path);
            Sample("second", 2).Save(path);
            Assert.AreEqual("second", Checkpoint.ReadDescription(path));
            // The latest cut short: the previous generation's description.
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            Assert.AreEqual("first", Checkpoint.ReadDescription(path));
            File.WriteAllBytes(Checkpoint.PreviousPath(path), []);
            Assert.IsNull(Checkpoint.ReadDescription(path), "neither generation can be read");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void ADamagedOrTruncatedFileIsRefusedNamingTheFileAndThePreviousGenerationIsUsed()
    {
        string path = TempFile();
        try
        {
            Sample("first", 1).Save(path);
            Sample("second", 2).Save(path);
            Assert.AreEqual("first", Checkpoint.Load(Checkpoint.PreviousPath(path)).Description, "the previous generation is kept");

            // Flip one byte inside the stored (uncompressed) state: the archive still opens, the checksum catches it.
            var bytes = File.ReadAllBytes(path);
            int at = IndexOf(bytes, BitConverter.GetBytes(2.0));
            Assert.IsGreaterThan(0, at, "the stored value is in the file");
            bytes[at] ^= 0x40;
            File.WriteAllBytes(path, bytes);
            var damaged = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path));
            StringAssert.Contains(damaged.Message, path);
            StringAssert.Contains(damaged.Message, "checksum");

            var warnings = new List<string>();
            var newest = Checkpoint.LoadNewest(path, warnings.Add);
            Assert.AreEqual("first", newest!.Description, "the last good checkpoint is used");
            Assert.HasCount(1, warnings);
            StringAssert.Contains(warnings[0], path);

            // Truncated: both generations bad, the caller hears about each and gets nothing.
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var truncated = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path));
            StringAssert.Contains(truncated.Message, path);
            File.WriteAllBytes(Checkpoint.PreviousPath(path), []);
            warnings.Clear();
            Assert.IsNull(Checkpoint.LoadNewest(path, warnings.Add));
            Assert.HasCount(2, warnings);
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void ALargeBagStreamsIntoAndOutOfItsFileWithoutBeingCopiedWhole()
    {
        // A replay's bag can be gigabytes (7 GB for a 1M-frame ALE replay), more than one array or MemoryStream holds:
        // the bag must stream into its entry, checksummed on the way, and be read back in one copy. Measured here as
        // the bytes this thread allocates around a 64 MB bag, which a buffered write or read would double.
        const int size = 64 << 20;
        var values = new byte[size];
        new Random(4).NextBytes(values);
        string path = TempFile();
        try
        {
            var checkpoint = new Checkpoint("{}");
            var bag = checkpoint.Add("replay");
            bag.SetBorrowed("observations", values);
            bag.Set("head", 17L);
            long before = GC.GetAllocatedBytesForCurrentThread();
            checkpoint.Save(path);
            long saving = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.IsLessThan(size / 16, saving, $"saving allocated {saving:N0} bytes");

            before = GC.GetAllocatedBytesForCurrentThread();
            var loaded = Checkpoint.Load(path).Bag("replay");
            long loading = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.IsGreaterThanOrEqualTo(size, loading, "the entry is read into one array");
            Assert.IsLessThan(size + size / 16, loading, $"loading allocated {loading:N0} bytes");

            var copy = new byte[size];
            before = GC.GetAllocatedBytesForCurrentThread();
            loaded.CopyBytesTo("observations", copy);
            Assert.IsLessThan(1024L, GC.GetAllocatedBytesForCurrentThread() - before, "copied out without an intermediate array");
            Assert.IsTrue(values.AsSpan().SequenceEqual(copy));
            Assert.AreEqual(17L, loaded.GetInt64("head"));
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => loaded.CopyBytesTo("observations", new byte[size - 1])).Message,
                "holds 67,108,864 bytes, but the target has 67,108,863");

            // A flipped byte deep inside the streamed entry is still caught by its checksum.
            using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Position = file.Length / 2;
                int b = file.ReadByte();
                file.Position--;
                file.WriteByte((byte)(b ^ 1));
            }
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path)).Message, "does not match its checksum");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
