using MimeKit;

namespace CloudMail.Core.Events;

/// <summary>
/// The header fields a webhook payload shows (<see cref="WebhookPayload"/>), decoded (RFC 2047) and unfolded; null for a
/// field the message lacks. <paramref name="AuthenticationResults"/> is the topmost field, the one this server added;
/// <paramref name="SpamStatus"/> is <c>X-Spam-Status</c>, which the inbound filters set.
/// </summary>
public sealed record MessageHeaderSummary(string? From, string? To, string? Subject, string? MessageId, string? Date,
    string? AuthenticationResults, string? SpamStatus)
{
    /// <summary>
    /// Reads the header of the message in <paramref name="message"/> (the stream is read up to the end of the header).
    /// Never throws for malformed content: what cannot be parsed is left out.
    /// </summary>
    public static async Task<MessageHeaderSummary> ReadAsync(Stream message, CancellationToken cancellationToken)
    {
        HeaderList headers;
        try
        {
            headers = await HeaderList.LoadAsync(ParserOptions.Default, message, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return new MessageHeaderSummary(null, null, null, null, null, null, null);
        }
        string? Field(string name) => headers.FirstOrDefault(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.Trim();
        return new MessageHeaderSummary(Field("From"), Field("To"), Field("Subject"), Field("Message-ID"), Field("Date"),
            Field("Authentication-Results"), Field("X-Spam-Status"));
    }
}
