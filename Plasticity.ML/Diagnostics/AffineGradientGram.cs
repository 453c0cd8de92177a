using Plasticity.ML.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Gram matrices of per-example gradients of a <see cref="PlasticNetwork"/> from one batched forward pass and one
/// backward pass per output column, instead of one backward pass per example and column.
/// </summary>
/// <remarks>
/// For an affine layer <c>z = W a + b</c> one example's gradient is the outer product <c>dL_i/dW = delta_i a_i'</c>
/// (<c>delta_i = dL_i/dz_i</c>, which a single backward pass of <c>sum_i L_i</c> yields for every example at once when
/// examples do not interact). So for a linear layer <c>&lt;g_i, g_j&gt; = (delta_i . delta_j)(a_i . a_j + 1)</c>, and
/// the k x P gradient matrix is never formed. A convolution's per-example weight gradient is formed from the input
/// patches (<c>delta_i U_i'</c>; out x in x 3 x 3 numbers per example, small). Products run in float64.
/// Normalization layers have per-example parameters this does not cover, so such networks use the per-example loop.
/// </remarks>
internal static class AffineGradientGram
{
    /// <summary>
    /// True when every parameter that requires gradients is the weight or bias of an affine layer and no layer mixes
    /// examples (no normalization), so the batched computation is exact.
    /// </summary>
    public static bool Supports(PlasticNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Spec.Normalization != NormalizationKind.None) return false;
        var affine = new HashSet<IntPtr>();
        foreach (var layer in network.ParameterLayers)
        {
            var (weight, bias) = WeightAndBias(layer);
            if (weight is null) return false;
            affine.Add(weight.Handle);
            if (bias is not null) affine.Add(bias.Handle);
        }
        return network.parameters().Where(p => p.requires_grad).All(p => affine.Contains(p.Handle));
    }

    /// <summary>
    /// The float64 Gram matrix <c>[n r, n r]</c> of the parameter gradients of per-example scalars. <paramref name="scalars"/>
    /// maps the raw output <c>[n, ...]</c> to r scalars, each the sum over examples of one per-example quantity
    /// (e.g. the example losses, or one output column); row <c>i r + c</c> is the gradient of example i's c-th quantity.
    /// Only parameters that require gradients count. Call <see cref="Supports"/> first.
    /// </summary>
    public static Tensor Compute(PlasticNetwork network, Tensor inputs, Func<Tensor, Tensor[]> scalars)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(scalars);
        if (!Supports(network)) throw new ArgumentException("The network has parameters outside affine layers or normalization layers; use per-example backward passes.", nameof(network));
        long n = inputs.shape[0];
        using var scope = NewDisposeScope();
        var layerInputs = new List<Tensor>();
        var layerOutputs = new List<Tensor>();
        Tensor[] sums;
        using (enable_grad())
        {
            var raw = network.ForwardRecordingAffine(inputs, layerInputs, layerOutputs);
            sums = scalars(raw);
        }
        int r = sums.Length;
        if (r == 0) throw new ArgumentException("Need at least one per-example quantity.", nameof(scalars));
        // deltas[l][c]: d(sum_i q_ic)/dz_l, whose row i is example i's own delta because examples do not interact.
        var deltas = layerOutputs.Select(_ => new Tensor[r]).ToArray();
        for (int c = 0; c < r; c++)
        {
            var grads = autograd.grad([sums[c]], layerOutputs, null, c < r - 1, false, true);
            for (int l = 0; l < layerOutputs.Count; l++) deltas[l][c] = grads[l] is null ? zeros_like(layerOutputs[l]) : grads[l];
        }

        using var noGrad = no_grad();
        var gram = zeros(n * r, n * r, dtype: ScalarType.Float64);
        for (int l = 0; l < layerOutputs.Count; l++)
        {
            var layer = network.ParameterLayers[l];
            var (weight, bias) = WeightAndBias(layer);
            bool weightCounts = weight!.requires_grad, biasCounts = bias is not null && bias.requires_grad;
            if (!weightCounts && !biasCounts) continue;
            // [n r, out, ...] example-major, in float64.
            var delta = stack(deltas[l], 1).flatten(0, 1).to_type(ScalarType.Float64);
            var input = layerInputs[l].detach().to_type(ScalarType.Float64).repeat_interleave(r, 0);
            if (delta.dim() == 2)
            {
                var deltaProducts = delta.matmul(delta.t());
                if (weightCounts) gram.add_(deltaProducts * input.matmul(input.t()));
                if (biasCounts) gram.add_(deltaProducts);
            }
            else
            {
                var conv = (Conv2d)Affine(layer);
                var flatDelta = delta.flatten(2);
                if (weightCounts)
                {
                    var patches = nn.functional.unfold(input, (conv.kernel_size[0], conv.kernel_size[1]), (conv.dilation[0], conv.dilation[1]),
                        (conv.padding![0], conv.padding[1]), (conv.stride[0], conv.stride[1]));
                    var perExample = flatDelta.bmm(patches.transpose(1, 2)).flatten(1);
                    gram.add_(perExample.matmul(perExample.t()));
                }
                if (biasCounts)
                {
                    var perExampleBias = flatDelta.sum(2);
                    gram.add_(perExampleBias.matmul(perExampleBias.t()));
                }
            }
        }
        return gram.MoveToOuterDisposeScope();
    }

    private static nn.Module Affine(nn.Module layer) => layer is HiddenLayer hidden ? hidden.Affine : layer;

    private static (Parameter? Weight, Parameter? Bias) WeightAndBias(nn.Module layer) => Affine(layer) switch
    {
        Linear linear => (linear.weight, linear.bias),
        Conv2d conv when conv.groups == 1 => (conv.weight, conv.bias),
        _ => (null, null),
    };
}
