using CloudMail.Listener.Hosting;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Admin;

/// <summary>Dispatches <c>cloudmail COMMAND ...</c>. Returns the process exit code.</summary>
public static class CloudMailCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "serve")
        {
            using var host = CloudMailServerBuilder.BuildServe(args[1..]);
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        await Console.Error.WriteLineAsync("usage: cloudmail serve").ConfigureAwait(false);
        return 2;
    }
}
