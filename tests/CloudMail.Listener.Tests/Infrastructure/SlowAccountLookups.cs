using System.Reflection;
using CloudMail.Core.Directory;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>The server's directory with every account lookup delayed; the rest is the real one's.</summary>
public class SlowAccountLookups : DispatchProxy // DispatchProxy needs an unsealed type
{
    private IMailDirectory _inner = null!;
    private TimeSpan _delay;

    /// <summary>
    /// Wraps the last registered <see cref="IMailDirectory"/> (call it from <see cref="TestServer.StartAsync"/>'s
    /// services callback, after the server's own registrations) so that every account lookup answers after
    /// <paramref name="delay"/>, as a remote directory does.
    /// </summary>
    public static void Decorate(IServiceCollection services, TimeSpan delay) =>
        ServiceDecoration.Replace<IMailDirectory>(services, inner =>
        {
            var proxy = Create<IMailDirectory, SlowAccountLookups>();
            ((SlowAccountLookups)(object)proxy)._inner = inner;
            ((SlowAccountLookups)(object)proxy)._delay = delay;
            return proxy;
        });

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod!.Name == nameof(IMailDirectory.GetAccountAsync)
            ? DelayedAsync((Task<Account?>)targetMethod.Invoke(_inner, args)!)
            : targetMethod.Invoke(_inner, args);

    private async Task<Account?> DelayedAsync(Task<Account?> lookup)
    {
        await Task.Delay(_delay);
        return await lookup;
    }
}
