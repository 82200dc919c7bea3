namespace CloudMail.Listener.Smtp;

/// <summary>What the client said in HELO or EHLO (RFC 5321 §4.1.1.1); replaced by each new HELO/EHLO.</summary>
/// <param name="HeloName">The domain or address literal given.</param>
/// <param name="Extended">EHLO rather than HELO (the Received header says ESMTP, RFC 3848).</param>
internal sealed record SmtpGreeting(string HeloName, bool Extended);
