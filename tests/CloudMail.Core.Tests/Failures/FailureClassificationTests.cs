using CloudMail.Core.Failures;

namespace CloudMail.Core.Tests.Failures;

/// <summary>
/// <see cref="FailureClassification"/>: only what backends mark transient (and timeouts) is retried; bugs and bad
/// configuration are not, whatever type they have.
/// </summary>
public sealed class FailureClassificationTests
{
    public static TheoryData<Exception, bool> Cases() => new()
    {
        { new TransientStorageException(new IOException("disk busy")), true },
        { new TimeoutException("slow"), true },
        { new AggregateException(new TransientStorageException(), new TimeoutException()), true },
        { new InvalidOperationException("bug"), false },
        { new ArgumentException("bad data"), false },
        { new IOException("not mapped by a backend"), false },
        { new NullReferenceException(), false },
        { new AggregateException(new TransientStorageException(), new InvalidOperationException()), false },
        { new AggregateException(), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Only_backend_transient_failures_and_timeouts_are_transient(Exception exception, bool transient) =>
        Assert.Equal(transient, FailureClassification.IsTransient(exception));

    [Fact]
    public void A_wrapped_failure_names_the_inner_type_and_message()
    {
        var e = new TransientStorageException(new IOException("disk busy"));

        Assert.Equal("IOException: disk busy", e.Message);
        Assert.Equal("TransientStorageException: IOException: disk busy", FailureClassification.Describe(e));
    }
}
