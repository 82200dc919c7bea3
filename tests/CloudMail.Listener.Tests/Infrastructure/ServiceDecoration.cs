using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>Replaces a server's own registration of a service with a wrapper around it (test decorators).</summary>
public static class ServiceDecoration
{
    /// <summary>
    /// Replaces the last non-keyed registration of <typeparamref name="T"/> (an instance or a factory) with a singleton that
    /// <paramref name="wrap"/> makes of it. Call from <see cref="TestServer.StartAsync"/>'s services callback, after the
    /// server's own registrations.
    /// </summary>
    public static void Replace<T>(IServiceCollection services, Func<T, T> wrap) where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T) && !d.IsKeyedService);
        services.Remove(original);
        services.AddSingleton(sp => wrap(original.ImplementationInstance as T ?? (T)original.ImplementationFactory!(sp)));
    }
}
