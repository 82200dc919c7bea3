using Microsoft.Extensions.Options;

namespace CloudMail.Filtering;

/// <summary>Fails start with every problem <see cref="FilteringOptions.Problems"/> finds.</summary>
internal sealed class FilteringOptionsValidator : IValidateOptions<FilteringOptions>
{
    public ValidateOptionsResult Validate(string? name, FilteringOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
