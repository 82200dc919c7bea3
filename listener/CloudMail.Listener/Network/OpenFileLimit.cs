using System.Runtime.InteropServices;

namespace CloudMail.Listener.Network;

/// <summary>
/// The process's open-file limit (the soft <c>RLIMIT_NOFILE</c>, which .NET raises to the hard one when it starts) and how
/// many files it has open now (<c>/proc/self/fd</c>). Linux only: null elsewhere, or when either cannot be read.
/// </summary>
internal static class OpenFileLimit
{
    private const int RlimitNofile = 7; // <sys/resource.h> on Linux

    /// <summary>The soft limit, or null.</summary>
    public static long? Soft()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return getrlimit(RlimitNofile, out Rlimit limit) == 0 ? (long)Math.Min(limit.Current, long.MaxValue) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Files (sockets, pipes, mapped assemblies, databases) open now, or null.</summary>
    public static int? InUse()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

#pragma warning disable SYSLIB1054 // DllImport is enough for one blittable libc call (as in FileSync)
    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out Rlimit limit);
#pragma warning restore SYSLIB1054
}
