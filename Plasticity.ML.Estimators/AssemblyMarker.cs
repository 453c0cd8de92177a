namespace Plasticity.ML.Estimators; internal static class AssemblyMarker { }
