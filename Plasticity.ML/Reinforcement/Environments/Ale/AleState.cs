using System.Runtime.InteropServices;

namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// A copy of an emulator's state from <see cref="AleInterface.CloneState"/>, held in native memory until disposed.
/// It restores only into an emulator running the same ROM.
/// </summary>
public sealed class AleState : IDisposable
{
    internal AleState(AleNative native, IntPtr pointer) => Handle = new StateHandle(native, pointer);

    internal SafeHandle Handle { get; }

    /// <summary>Frees the native copy.</summary>
    public void Dispose() => Handle.Dispose();

    private sealed unsafe class StateHandle : SafeHandle
    {
        private readonly AleNative _native;

        public StateHandle(AleNative native, IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true)
        {
            _native = native;
            SetHandle(pointer);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            _native.DeleteState(handle);
            return true;
        }
    }
}
