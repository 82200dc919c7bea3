using CloudMail.Core.Messages;
using CloudMail.Core.Blobs;
using MimeKit;

namespace CloudMail.SendApi;

/// <summary>
/// Decides whether a stored message belongs to a domain, for <c>GET /api/v1/messages/{id}</c>: it does when
/// an address in its From or Sender header is in the domain (the send API only accepts such messages, and
/// mail a domain's users sent over SMTP qualifies too). Reads only the header block of the blob.
/// </summary>
public sealed class MessageOwnership(IMessageBlobStore blobs)
{
    /// <summary>False for a missing blob or unparseable headers as well as for a foreign sender.</summary>
    public async Task<bool> BelongsToAsync(string messageId, string domain, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await blobs.OpenReadAsync(messageId, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return false;
        }
        await using (stream)
        {
            HeaderList headers;
            try
            {
                headers = await HeaderList.LoadAsync(ParserOptions.Default, stream, cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException)
            {
                return false;
            }
            foreach (var field in new[] { HeaderId.From, HeaderId.Sender })
            {
                foreach (var header in headers.Where(h => h.Id == field))
                {
                    if (!InternetAddressList.TryParse(ParserOptions.Default, header.Value, out var list)) continue;
                    if (list.Mailboxes.Any(m => MailAddresses.DomainOf(m.Address) == domain)) return true;
                }
            }
            return false;
        }
    }
}
