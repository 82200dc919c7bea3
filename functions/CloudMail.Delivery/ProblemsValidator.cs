using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery;

/// <summary>
/// Start-up validation of an options class that lists its own problems (<c>Problems()</c>): the start fails with every
/// problem named, so a wrong setting is found from the error alone.
/// </summary>
internal sealed class ProblemsValidator<TOptions>(Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        List<string> found = [.. problems(options)];
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }

    /// <summary>Binds <typeparamref name="TOptions"/> from <paramref name="section"/> and validates it at start. Idempotent.</summary>
    public static OptionsBuilder<TOptions> Register(IServiceCollection services, string section, Func<TOptions, IEnumerable<string>> problems)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new ProblemsValidator<TOptions>(problems)));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
