using System.Buffers.Binary;
using System.IO.Compression;
using Plasticity.ML.Data;

namespace Plasticity.ML.Tests.Data;

[TestClass]
public sealed class IdxReaderTests
{
    private static byte[] Idx(byte type, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(raw);
        return output.ToArray();
    }

    [TestMethod]
    public void ReadsAHandcraftedImageFile()
    {
        var data = Enumerable.Range(0, 2 * 3 * 2).Select(i => (byte)(i * 10)).ToArray();
        var file = IdxReader.Read(new MemoryStream(Idx(0x08, [2, 3, 2], data)), "handmade");
        CollectionAssert.AreEqual(new[] { 2, 3, 2 }, file.Dimensions);
        Assert.AreEqual(2, file.Count);
        Assert.AreEqual(6, file.ItemSize);
        CollectionAssert.AreEqual(data, file.Data);
    }

    [TestMethod]
    public void ReadsGzippedFilesByContent()
    {
        var data = new byte[] { 3, 1, 4, 1, 5 };
        var file = IdxReader.Read(new MemoryStream(Gzip(Idx(0x08, [5], data))), "labels.whatever");
        CollectionAssert.AreEqual(data, file.Data);
    }

    [TestMethod]
    public void RejectsATruncatedFileNamingIt()
    {
        var bytes = Idx(0x08, [2, 2, 2], new byte[8]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.Read(new MemoryStream(bytes[..^3]), "cut.idx"));
        StringAssert.Contains(e.Message, "cut.idx");
        StringAssert.Contains(e.Message, "truncated");
        StringAssert.Contains(e.Message, "8 values");
    }

    [TestMethod]
    public void RejectsATruncatedGzipStream()
    {
        var gz = Gzip(Idx(0x08, [100], new byte[100]));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.Read(new MemoryStream(gz[..(gz.Length / 2)]), "half.gz"));
        StringAssert.Contains(e.Message, "half.gz");
    }

    [TestMethod]
    public void RejectsAWrongMagicNumber()
    {
        var bytes = Idx(0x08, [1], [7]);
        bytes[0] = 0x12;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.Read(new MemoryStream(bytes), "magic.idx"));
        StringAssert.Contains(e.Message, "magic number");
    }

    [TestMethod]
    public void RejectsUnsupportedDataTypes()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.Read(new MemoryStream(Idx(0x0D, [1], new byte[4])), "floats.idx"));
        StringAssert.Contains(e.Message, "0x0d");
    }

    [TestMethod]
    public void RejectsCountsThatDisagreeWithTheData()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.Read(new MemoryStream(Idx(0x08, [2], new byte[5])), "long.idx"));
        StringAssert.Contains(e.Message, "counts are wrong");
    }

    [TestMethod]
    public void TheEmbeddedDataSetIsTheFashionMnistTestSplit()
    {
        var data = FashionMnist.LoadEmbedded();
        Assert.AreEqual(10_000, data.Count);
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, data.ImageShape);
        Assert.AreEqual(10, data.ClassCount);
        Assert.IsTrue(data.Pixels.All(p => p is >= 0 and <= 1));
        // The test split is balanced: 1,000 images per class.
        Assert.IsTrue(data.Labels.GroupBy(l => l).All(g => g.Count() == 1000));
    }

    [TestMethod]
    public void SubsetsAreDeterministicAndDistinct()
    {
        var data = FashionMnist.LoadEmbedded();
        var a = data.Subset(100, seed: 5);
        var b = data.Subset(100, seed: 5);
        var c = data.Subset(100, seed: 6);
        CollectionAssert.AreEqual(a.Pixels, b.Pixels);
        CollectionAssert.AreNotEqual(a.Labels, c.Labels);
    }

    [TestMethod]
    public void AFolderWithOnlyHalfASplitIsRejected()
    {
        string folder = Directory.CreateTempSubdirectory().FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), Idx(0x08, [1, 2, 2], new byte[4]));
            var e = Assert.ThrowsExactly<FileNotFoundException>(() => FashionMnist.LoadFolder(folder));
            StringAssert.Contains(e.Message, "train");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
