using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Core.Directory;

public static class DirectoryCacheServiceCollectionExtensions
{
    /// <summary>
    /// Wraps the registered <see cref="IMailDirectory"/> in a <see cref="CachingMailDirectory"/> (unless its duration is
    /// zero). Call after the storage registration; the serving hosts do, the admin commands do not.
    /// </summary>
    public static IServiceCollection AddCloudMailDirectoryCache(this IServiceCollection services, DirectoryCacheOptions options)
    {
        if (options.Duration <= TimeSpan.Zero) return services;
        var original = services.LastOrDefault(d => d.ServiceType == typeof(IMailDirectory) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Register the directory (storage) before its cache.");
        services.Remove(original);
        services.AddSingleton<IMailDirectory>(sp => new CachingMailDirectory(Resolve(sp, original), options, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }

    private static IMailDirectory Resolve(IServiceProvider sp, ServiceDescriptor original) =>
        original.ImplementationInstance as IMailDirectory
        ?? (IMailDirectory?)original.ImplementationFactory?.Invoke(sp)
        ?? (IMailDirectory)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
}
