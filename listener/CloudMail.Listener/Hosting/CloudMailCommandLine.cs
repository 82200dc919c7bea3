using CloudMail.Listener.Configuration;
using CloudMail.Listener.Hosting;
using CloudMail.Storage.Embedded.Files;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// Dispatches <c>cloudmail COMMAND ...</c>. Positional words select the command; anything starting with
/// "--" is passed to .NET configuration (e.g. <c>--CloudMail:DataDirectory=/var/lib/cloudmail</c>).
/// Returns the process exit code: 0 success, 1 operation failed (also: an unsafe data folder, reported in one line
/// before anything starts, see <see cref="DataFolder.Prepare"/>; a server that could not start or was stopped by a
/// failure, see <see cref="RunHostAsync"/>), 2 usage error.
/// </summary>
public static class CloudMailCommandLine
{
    public const string Usage = $"""
        usage: cloudmail <command> [--Section:Key=value ...]

          serve                              run everything in one process (embedded storage)
          listener                           Azure mode: SMTP/IMAP/POP3 on Blob/Table storage, jobs to Service Bus
          domain add|remove DOMAIN           manage local domains
          domain list
          user add|passwd ADDRESS            create a user / set a password (password read from stdin)
          user remove ADDRESS
          user disable|enable ADDRESS        refuse / allow again every login (mail to it is still accepted)
          user list [DOMAIN]                 one address a line; disabled ones end with "  disabled"
        {QuotaCommands.Usage}
          alias add ALIAS TARGET             ALIAS may be @domain for a catch-all
          alias remove ALIAS [TARGET]
          alias list [DOMAIN]
          apikey create DOMAIN               create a send API key for a local domain (printed once)
          apikey list DOMAIN                 list key ids and creation times
          apikey revoke KEYID                revoke a key at once
        {AdminKeyCommands.Usage}
        {DkimCommands.Usage}
        {QueueCommands.Usage}
        {DnsCommands.Usage}
        {TraceCommands.Usage}
        {QuarantineCommands.Usage}
        {SenderListCommands.Usage}
        {SpamTrainingCommands.Usage}
        {WebhookCommands.Usage}
        {ImportCommands.Usage}
        {ExportCommands.Usage}
        {BackupCommands.Usage}
        {RetentionCommands.Usage}

        Admin commands use the embedded data folder; --CloudMail:Storage=Azure points them at Azure Storage (of the queue
        commands only deadletters: in Azure the queues are Service Bus, reached with the CloudMailServiceBus settings).
        They may run while serve runs on the same data folder.
        Settings come from appsettings.json, CLOUDMAIL__Section__Key environment variables and --CloudMail:Key=value.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var words = args[..CommandWordCount(args)];
        var settings = args[words.Length..];
        if (words.Length == 0 || words[0] is "help" or "-h")
        {
            await Console.Out.WriteLineAsync(Usage).ConfigureAwait(false);
            return words.Length == 0 ? 2 : 0;
        }
        if (words[0] == "serve")
        {
            if (words.Length != 1) return await UsageErrorAsync().ConfigureAwait(false);
            using var host = CloudMailServerBuilder.BuildServe(settings);
            if (!await SettingsAndDataFolderAreSafeAsync(host, "cannot start").ConfigureAwait(false)) return 1;
            return await RunHostAsync(host, Console.Error).ConfigureAwait(false);
        }
        if (words[0] == "listener")
        {
            if (words.Length != 1) return await UsageErrorAsync().ConfigureAwait(false);
            using var listener = AzureListenerHost.BuildListener(settings);
            if (!await SettingsAndDataFolderAreSafeAsync(listener, "cannot start").ConfigureAwait(false)) return 1;
            return await RunHostAsync(listener, Console.Error).ConfigureAwait(false);
        }
        using var admin = CloudMailServerBuilder.BuildAdmin(settings);
        bool embedded = !"Azure".Equals(admin.Services.GetRequiredService<IConfiguration>()[CloudMailServerBuilder.AdminStorageKey], StringComparison.OrdinalIgnoreCase);
        if (embedded && !await SettingsAndDataFolderAreSafeAsync(admin, string.Join(' ', words)).ConfigureAwait(false)) return 1;
        var commands = new AdminCommands(admin.Services, Console.In, Console.Out, Console.Error);
        try
        {
            return await commands.RunAsync(words, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            // The storage could not be opened or written (a damaged database, a full or read-only disk, no permission):
            // one line saying so, as for serve that cannot start, not an unhandled exception's stack and exit code 134.
            await Console.Error.WriteLineAsync($"cloudmail: {string.Join(' ', words)}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>What an admin command meets when the data folder's storage fails it rather than a bug in the command.</summary>
    private static bool IsStorageFailure(Exception e) =>
        e is InvalidDataException or IOException or UnauthorizedAccessException or System.Data.Common.DbException
            or Core.Failures.StorageFullException or Core.Failures.TransientStorageException;

    /// <summary>
    /// How many leading arguments are the command: words, and the command options <c>--json</c>, <c>--selector VALUE</c>,
    /// <c>--replay ID</c>, <c>--for SCOPE</c>, <c>--events LIST</c>, <c>--storage SIZE</c>, <c>--messages N</c>, <c>--to USER</c>,
    /// <c>--mailbox NAME</c> and <c>--format FORMAT</c>, <c>--scope SCOPES</c>;
    /// the first other argument starting with "--" begins the configuration settings.
    /// </summary>
    private static int CommandWordCount(string[] args)
    {
        int count = 0;
        while (count < args.Length)
        {
            if (args[count] == "--json") count++;
            else if (args[count] is "--selector" or "--replay" or "--for" or "--events" or "--storage" or "--messages" or "--to" or "--mailbox" or "--format" or "--scope" or "--account" or "--limit"
                     && count + 1 < args.Length) count += 2;
            else if (args[count].StartsWith("--", StringComparison.Ordinal)) break;
            else count++;
        }
        return count;
    }

    /// <summary>
    /// Checks (and creates or tightens) CloudMail:DataDirectory before the host starts, so that an unsafe folder is one
    /// line on standard error instead of a host start-up failure with a stack trace. The CloudMail section is read here
    /// first, so a setting that does not convert ("Failed to convert configuration value 'abc' at 'CloudMail:Ports:Smtp'")
    /// or is refused ("CloudMail:Ports values must be ...") is such a line too, after <paramref name="what"/> ("cannot
    /// start" or the admin command), not an unhandled exception that aborts the process.
    /// </summary>
    private static async Task<bool> SettingsAndDataFolderAreSafeAsync(IHost host, string what)
    {
        try
        {
            DataFolder.Prepare(host.Services.GetRequiredService<IOptions<CloudMailOptions>>().Value.DataDirectory);
            return true;
        }
        catch (UnsafeDataFolderException e)
        {
            await Console.Error.WriteLineAsync("cloudmail: " + e.Message).ConfigureAwait(false);
            return false;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"cloudmail: {what}: {e.Message}").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>
    /// Starts <paramref name="host"/> and runs it until it is told to stop (exit code 0). When it cannot start (a port in
    /// use, a second <c>serve</c> on the data folder, a certificate file missing, a setting refused), the host has logged
    /// the failure; this ends with one line on <paramref name="error"/> saying why and exit code 1, as Postfix's "fatal:"
    /// does, instead of an unhandled exception that aborts the process. A background service that fails stops the host
    /// (BackgroundServiceExceptionBehavior.StopHost); that is exit code 1 too, with a line naming it, so that a service
    /// manager restarting on failure restarts it.
    /// </summary>
    internal static async Task<int> RunHostAsync(IHost host, TextWriter error)
    {
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose(); // flushes the console log first, so that this line is the last one
            await error.WriteLineAsync("cloudmail: cannot start: " + StartFailure(e)).ConfigureAwait(false);
            return 1;
        }
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        var failed = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Where(b => b.ExecuteTask is { IsFaulted: true }).ToList();
        if (failed.Count == 0) return 0;
        await error.WriteLineAsync("cloudmail: stopped: " + string.Join(" ", failed.Select(b => $"{b.GetType().Name} failed: {b.ExecuteTask!.Exception!.GetBaseException().Message}"))).ConfigureAwait(false);
        return 1;
    }

    /// <summary>The messages of a start failure: each of several hosted services' failures, or the one.</summary>
    private static string StartFailure(Exception e) =>
        e is AggregateException many ? string.Join(" ", many.Flatten().InnerExceptions.Select(inner => inner.Message)) : e.Message;

    private static async Task<int> UsageErrorAsync()
    {
        await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
        return 2;
    }
}
