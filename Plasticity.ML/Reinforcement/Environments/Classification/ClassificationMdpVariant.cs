namespace Plasticity.ML.Reinforcement.Environments.Classification;

/// <summary>The three reward variants of the paper's classification MDP (Lyle et al. 2023, section 3.2).</summary>
public enum ClassificationMdpVariant
{
    /// <summary>"Easy": the state is the image's true class; reward 1 for naming it; the next image is drawn uniformly, whatever the action.</summary>
    TrueLabels,

    /// <summary>"Hard": the state is a random label given to each image (re-drawn per task); reward 1 for naming it; the next image is drawn uniformly.</summary>
    RandomLabels,

    /// <summary>Sparse: reward 1 only for naming class 9 in state 9 (the last class); naming the state's class moves to the next class, so actions decide which states are visited.</summary>
    SparseReward,
}
