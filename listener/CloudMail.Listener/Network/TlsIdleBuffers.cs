using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;

namespace CloudMail.Listener.Network;

/// <summary>
/// Lets OpenSSL free a server TLS connection's record buffers whenever they are empty (<c>SSL_MODE_RELEASE_BUFFERS</c>,
/// as nginx, haproxy and Dovecot set it), so an idle TLS session (IMAP IDLE, a client between commands) does not keep a
/// 16 KiB read buffer; OpenSSL allocates one again for the next record. Measured on this project's machines with
/// <c>bench/idle.sh -t</c> (docs/performance.md).
/// <para>
/// .NET offers no switch for this. On Linux its <see cref="SslStream"/> keeps the OpenSSL <c>SSL*</c> as the handle of
/// the <see cref="SafeHandle"/> in its private <c>_securityContext</c> field; <see cref="TryRelease"/> sets the mode on it
/// through <c>SSL_ctrl</c> of the very libssl the runtime mapped (found in <c>/proc/self/maps</c>, never a second copy).
/// Anything unexpected (another OS, another runtime layout, no libssl mapped) makes it a no-op that returns false: the
/// connection works exactly as before, with the buffers kept.
/// </para>
/// </summary>
internal static class TlsIdleBuffers
{
    /// <summary><c>SSL_CTRL_MODE</c> from OpenSSL's <c>ssl.h</c> (stable since 0.9.8).</summary>
    private const int SslCtrlMode = 33;

    /// <summary><c>SSL_MODE_RELEASE_BUFFERS</c> from OpenSSL's <c>ssl.h</c>.</summary>
    internal const nint ReleaseBuffersMode = 0x10;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslCtrl(nint ssl, int command, nint larg, nint parg);

    private static readonly FieldInfo? SecurityContextField = OperatingSystem.IsLinux()
        ? typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic)
        : null;

    /// <summary>Resolved on first use, after the runtime has loaded libssl for the first handshake.</summary>
    private static readonly Lazy<SslCtrl?> Ctrl = new(FindSslCtrl, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Sets <c>SSL_MODE_RELEASE_BUFFERS</c> on <paramref name="ssl"/>, an authenticated stream with no read or write in
    /// progress. Returns whether the mode is now set.
    /// </summary>
    public static bool TryRelease(SslStream ssl) => Control(ssl, ReleaseBuffersMode) is { } mode && (mode & ReleaseBuffersMode) != 0;

    /// <summary>The OpenSSL mode bits of <paramref name="ssl"/> (adding none), or null where <see cref="TryRelease"/> cannot work.</summary>
    internal static nint? Mode(SslStream ssl) => Control(ssl, 0);

    /// <summary><c>SSL_ctrl(ssl, SSL_CTRL_MODE, add, NULL)</c>: adds <paramref name="add"/> and returns the new mode bits.</summary>
    private static nint? Control(SslStream ssl, nint add)
    {
        if (SecurityContextField?.GetValue(ssl) is not SafeHandle handle || handle.IsInvalid || Ctrl.Value is not { } ctrl)
            return null;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return ctrl(handle.DangerousGetHandle(), SslCtrlMode, add, 0);
        }
        catch (ObjectDisposedException)
        {
            return null; // the connection closed meanwhile
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary><c>SSL_ctrl</c> of the libssl mapped into this process, or null when none (or more than one) is.</summary>
    private static SslCtrl? FindSslCtrl()
    {
        try
        {
            string[] mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length == 6 && Path.GetFileName(fields[5].Trim()).StartsWith("libssl.so", StringComparison.Ordinal))
                .Select(fields => fields[5].Trim())
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            if (mapped.Length != 1) return null;
            if (!NativeLibrary.TryLoad(mapped[0], out nint library)) return null;
            if (!NativeLibrary.TryGetExport(library, "SSL_ctrl", out nint export)) return null;
            return Marshal.GetDelegateForFunctionPointer<SslCtrl>(export);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
