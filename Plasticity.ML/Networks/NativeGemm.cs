using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Plasticity.ML.Networks;

/// <summary>
/// Single-precision matrix products on raw row-major memory, through the BLAS <c>sgemm</c> that libtorch itself calls
/// for <c>mm</c> (oneMKL, linked into libtorch_cpu and exported from it on Linux). Calling it directly skips a tensor
/// allocation and libtorch's dispatch per product, which for the small products of a MinAtar network (32 x 1,024 x
/// 128) is a quarter of their cost.
/// </summary>
/// <remarks>
/// The thread count is libtorch's: <c>torch.set_num_threads</c> sets oneMKL's count for the calling thread, which is
/// the thread that calls here. Where libtorch exports no <c>sgemm_</c> (other platforms, other BLAS builds),
/// <see cref="IsAvailable"/> is false and callers keep libtorch's path.
/// </remarks>
internal static unsafe class NativeGemm
{
    private static readonly delegate* unmanaged<byte*, byte*, long*, long*, long*, float*, float*, long*, float*, long*, float*, float*, long*, void> Sgemm = Resolve();

    /// <summary>True when libtorch's <c>sgemm_</c> was found in this process.</summary>
    public static bool IsAvailable => Sgemm != null;

    /// <summary>
    /// <c>C = op(A) op(B) + beta C</c> on row-major matrices: <c>op(A)</c> is <paramref name="m"/> x <paramref name="k"/>,
    /// <c>op(B)</c> <paramref name="k"/> x <paramref name="n"/>, <c>C</c> <paramref name="m"/> x <paramref name="n"/>;
    /// <c>op(X)</c> is <c>X</c> transposed when its flag is set. Leading dimensions are row lengths as stored.
    /// </summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (Sgemm == null) throw new InvalidOperationException("libtorch's sgemm is not available in this process (check NativeGemm.IsAvailable first).");
        // Column-major BLAS sees a row-major matrix as its transpose, so C^T = op(B)^T op(A)^T: swap the operands.
        // Integers go as 64-bit values: on a little-endian machine an LP64 BLAS reads their low half, an ILP64 one all of it.
        byte ta = transposeB ? (byte)'T' : (byte)'N', tb = transposeA ? (byte)'T' : (byte)'N';
        long rows = n, columns = m, inner = k, ldFirst = ldb, ldSecond = lda, ldResult = ldc;
        float one = 1f;
        Sgemm(&ta, &tb, &rows, &columns, &inner, &one, b, &ldFirst, a, &ldSecond, &beta, c, &ldResult);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static delegate* unmanaged<byte*, byte*, long*, long*, long*, float*, float*, long*, float*, long*, float*, float*, long*, void> Resolve()
    {
        // libtorch is loaded by then (a network exists); loading it by name returns the copy already in the process.
        using (TorchSharp.torch.zeros(1)) { }
        foreach (var name in new[] { "libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll" })
        {
            if (NativeLibrary.TryLoad(name, out IntPtr library) && NativeLibrary.TryGetExport(library, "sgemm_", out IntPtr address))
                return (delegate* unmanaged<byte*, byte*, long*, long*, long*, float*, float*, long*, float*, long*, float*, float*, long*, void>)address;
        }
        return null;
    }
}
