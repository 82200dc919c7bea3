using System.Buffers;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;
using CloudMail.Protocols.Sasl;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>
/// AUTH (RFC 5034 §4) with PLAIN (RFC 4616) or LOGIN, with or without an initial response, decoded by the shared
/// exchanges (<see cref="SaslMechanisms"/>): "*" cancels; base64 and the mechanism's messages are checked there. A bare AUTH lists
/// the mechanisms (RFC 1734 practice). Refused before TLS unless AllowInsecureAuth.
/// </summary>
internal static class AuthHandler
{
    public static async Task<bool> HandleAsync(Pop3Session s, AuthCommand command, CancellationToken cancellationToken)
    {
        if (!s.LoginAllowed)
        {
            s.Error(Pop3Replies.TlsRequired);
            return false;
        }
        if (command.Mechanism is null)
        {
            s.Connection.Write(Pop3MultiLine.Format(Pop3Replies.MechanismListFollows, [SaslMechanisms.Plain, SaslMechanisms.Login]));
            return false; // a listing, not a login: the state stays AUTHORIZATION
        }
        if (SaslMechanisms.Create(command.Mechanism) is not { } exchange)
        {
            s.Error(Pop3Replies.UnsupportedMechanism);
            return false;
        }

        var step = exchange.Start(command.InitialResponse);
        while (step is SaslStep.Challenge challenge)
        {
            s.Reply(Pop3Replies.Continuation + challenge.Base64); // "+ " with an empty challenge (RFC 5034 §4)
            var line = await s.ReadAsync((ref ReadOnlySequence<byte> buffer) =>
                s.Reader.ReadSaslResponse(ref buffer, s.Options.MaxSaslResponseLength), cancellationToken).ConfigureAwait(false);
            switch (line)
            {
                case null:
                    s.Close();
                    return false;
                case Pop3ParseOutcome<string>.Reject reject:
                    s.Error(reject.Reply);
                    return false;
                case Pop3ParseOutcome<string>.Parsed parsed:
                    step = exchange.Next(parsed.Value);
                    break;
            }
        }
        if (step is SaslStep.Failed failed)
        {
            s.Error(Pop3Replies.ForSaslFailure(failed.Reason));
            return false;
        }
        var credentials = (SaslStep.Credentials)step;
        return await s.LoginAsync(credentials.UserName, credentials.Password, cancellationToken).ConfigureAwait(false);
    }
}
