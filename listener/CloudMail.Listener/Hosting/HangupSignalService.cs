using System.Runtime.InteropServices;
using CloudMail.Listener.Tls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// SIGHUP, which service managers send to reload a daemon (<c>systemctl reload</c>, certbot's deploy hooks, as for
/// Postfix and Dovecot) and which a closed terminal sends to what ran in it, no longer ends the server at once (the
/// signal's default action, sessions cut mid-command): the TLS certificate file is read again now
/// (<see cref="TlsCertificateProvider.CheckNow"/>) and the signal is logged. Other settings are read at start only. Not
/// on Windows, which has no SIGHUP of its own.
/// </summary>
internal sealed partial class HangupSignalService(TlsCertificateProvider certificates, ILogger<HangupSignalService> logger) : IHostedService
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows()) _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration?.Dispose();
        return Task.CompletedTask;
    }

    private void OnHangup(PosixSignalContext context)
    {
        context.Cancel = true; // not the default action: the process goes on
        LogHangup();
        certificates.CheckNow();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIGHUP: reading the TLS certificate file again; other settings take effect at a restart")]
    private partial void LogHangup();
}
