using CloudMail.Listener.Hosting;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Admin;

/// <summary>
/// Dispatches <c>cloudmail COMMAND ...</c>. Positional words select the command; anything starting with
/// "--" is passed to .NET configuration (e.g. <c>--CloudMail:DataDirectory=/var/lib/cloudmail</c>).
/// Returns the process exit code: 0 success, 1 operation failed, 2 usage error.
/// </summary>
public static class CloudMailCommandLine
{
    public const string Usage = """
        usage: cloudmail <command> [--Section:Key=value ...]

          serve                              run everything in one process (embedded storage)
          listener                           Azure mode: SMTP/IMAP/POP3 on Blob/Table storage, jobs to Service Bus
          domain add|remove DOMAIN           manage local domains
          domain list
          user add|passwd ADDRESS            create a user / set a password (password read from stdin)
          user remove ADDRESS
          user list [DOMAIN]
          alias add ALIAS TARGET             ALIAS may be @domain for a catch-all
          alias remove ALIAS [TARGET]
          alias list [DOMAIN]
          apikey create DOMAIN               create a send API key for a local domain (printed once)
          apikey list DOMAIN                 list key ids and creation times
          apikey revoke KEYID                revoke a key at once

        Admin commands use the embedded data folder; --CloudMail:Storage=Azure points them at Azure Storage.
        Settings come from appsettings.json, CLOUDMAIL__Section__Key environment variables and --CloudMail:Key=value.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var words = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
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
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        if (words[0] == "listener")
        {
            if (words.Length != 1) return await UsageErrorAsync().ConfigureAwait(false);
            using var listener = Azure.AzureListenerHost.BuildListener(settings);
            await listener.RunAsync().ConfigureAwait(false);
            return 0;
        }
        using var admin = CloudMailServerBuilder.BuildAdmin(settings);
        var commands = new AdminCommands(admin.Services, Console.In, Console.Out, Console.Error);
        return await commands.RunAsync(words, CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task<int> UsageErrorAsync()
    {
        await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
        return 2;
    }
}
