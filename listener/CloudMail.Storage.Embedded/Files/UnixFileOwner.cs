using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace CloudMail.Storage.Embedded.Files;

/// <summary>
/// Who owns a file, and who this process is: the two facts <see cref="DataFolder"/> needs that .NET does not expose
/// (it has <see cref="File.GetUnixFileMode(string)"/> but no owner). The owner comes from the runtime's own native shim
/// (<c>SystemNative_Stat</c> in libSystem.Native, which every .NET runtime on Unix ships and loads), whose result
/// starts with <c>int32 Flags, int32 Mode, uint32 Uid, uint32 Gid</c>; the mode it reports is checked against
/// <see cref="File.GetUnixFileMode(string)"/>, so a layout that ever changed is detected rather than misread. Unix only.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class UnixFileOwner
{
    /// <summary>Generously larger than the runtime's FileStatus (about 130 bytes).</summary>
    private const int StatusBufferSize = 512;

    private const int PermissionBits = 0xFFF;

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId => geteuid();

    /// <summary>
    /// The owner's user id of <paramref name="path"/> (symbolic links followed), or null when it cannot be read
    /// (the path vanished, or the runtime's stat result did not match the mode .NET reports).
    /// </summary>
    public static uint? Of(string path)
    {
        Span<byte> status = stackalloc byte[StatusBufferSize];
        status.Clear();
        if (SystemNativeStat(path, ref MemoryMarshal.GetReference(status)) != 0) return null;
        int mode = MemoryMarshal.Read<int>(status[4..]);
        uint uid = MemoryMarshal.Read<uint>(status[8..]);
        UnixFileMode expected;
        try
        {
            expected = File.GetUnixFileMode(path);
        }
        catch (IOException)
        {
            return null;
        }
        return (mode & PermissionBits) == (int)expected ? uid : null;
    }

#pragma warning disable SYSLIB1054 // DllImport is enough for two blittable calls (as in FileSync)
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref byte status);

    [DllImport("libc")]
    private static extern uint geteuid();
#pragma warning restore SYSLIB1054
}
