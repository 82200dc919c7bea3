using CloudMail.Protocols.Imap.Sorting;

namespace CloudMail.Protocols.Tests.Imap.Sorting;

/// <summary>Builds <see cref="ThreadMessage"/>s for the threader tests: number = sequence number, sent minutes after a base time.</summary>
internal static class ThreadTestMessages
{
    private static readonly DateTimeOffset Base = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ThreadMessage Msg(uint number, string subject, int minute, string? id = null, params string[] references) =>
        new(number, id, references, BaseSubject.Extract(subject), Base.AddMinutes(minute), (int)number);
}
