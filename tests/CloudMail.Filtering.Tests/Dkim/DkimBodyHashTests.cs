using System.Text;
using CloudMail.Filtering.Dkim;
using CsCheck;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Tests.Dkim;

/// <summary>
/// CloudMail's DKIM body hash against MimeKit's verifier's (<see cref="DkimVerifierBase.VerifyBodyHash"/>, which the
/// platform check used before) on the same parsed message: random bodies of text, spaces, tabs, CRLF, bare LF and bare
/// CR, in a single part, inside a multipart and as binary content (which MimeKit writes as stored), under both canonicalizations (a body with a bare CR must be left to
/// MimeKit, and only such a body); and RFC 6376's own examples.
/// </summary>
public class DkimBodyHashTests
{
    private static readonly string[] Pieces = ["a", "b c", " ", "\t", "  \t ", "\r\n", "\r\n", "\n", "\r", "x\r\n\r\n"];

    /// <summary>Up to 40 pieces, repeated up to 60 times so that long bodies reach the canonicalizer in several writes.</summary>
    private static readonly Gen<string> Body = Gen.Select(Gen.Int[0, Pieces.Length - 1].Array[0, 40], Gen.Frequency((3, Gen.Const(1)), (1, Gen.Int[2, 60])),
        (picks, times) => string.Concat(Enumerable.Repeat(string.Concat(picks.Select(i => Pieces[i])), times)));

    [Fact]
    public void Gives_the_digest_MimeKit_verifies_for_every_body()
    {
        Gen.Select(Body, Gen.Bool, Gen.Int[0, 2]).Sample((body, relaxed, shape) =>
        {
            string head = "From: a@sender.test\r\nSubject: t\r\nMIME-Version: 1.0\r\n";
            string raw = shape switch
            {
                0 => head + "Content-Type: text/plain\r\n\r\n" + body,
                1 => head + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\n" + body + "\r\n--b1--\r\n" + body,
                _ => head + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n" + body, // written as stored
            };
            var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(raw)), persistent: false);
            var canonicalization = relaxed ? DkimCanonicalizationAlgorithm.Relaxed : DkimCanonicalizationAlgorithm.Simple;
            byte[]? digest = DkimBodyHash.TryCompute(message, canonicalization);
            bool bareCr = System.Text.RegularExpressions.Regex.IsMatch(body, "\r(?!\n)");
            if (digest is null) return bareCr; // left to MimeKit, and only then
            string ours = Convert.ToBase64String(digest);
            return MimeKitVerifier.BodyHashIs(message, canonicalization, ours)
                && !MimeKitVerifier.BodyHashIs(message, canonicalization, Convert.ToBase64String(new byte[32]));
        }, iter: 5000, print: t => $"body \"{t.Item1.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t")}\", relaxed {t.Item2}, shape {t.Item3}");
    }

    [Theory]
    // RFC 6376 §3.4.5: the example body canonicalized relaxed is " C\r\nD E\r\n", simple keeps it but for the empty lines at the end.
    [InlineData(" C \r\nD \t E\r\n\r\n\r\n", true, " C\r\nD E\r\n")]
    [InlineData(" C \r\nD \t E\r\n\r\n\r\n", false, " C \r\nD \t E\r\n")]
    [InlineData("", false, "\r\n")] // §3.4.3: no body is one CRLF
    [InlineData(" \r\n\t\r\n", true, "")] // §3.4.4: only empty lines once trailing WSP is gone: an empty body
    [InlineData("no line ending", true, "no line ending\r\n")]
    public void Canonicalizes_as_RFC_6376_shows(string body, bool relaxed, string canonical)
    {
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes("From: a@sender.test\r\n\r\n" + body)), persistent: false);
        byte[]? digest = DkimBodyHash.TryCompute(message, relaxed ? DkimCanonicalizationAlgorithm.Relaxed : DkimCanonicalizationAlgorithm.Simple);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(canonical)), digest);
    }

    /// <summary>MimeKit's protected body-hash check, reached through a subclass.</summary>
    private sealed class MimeKitVerifier() : DkimVerifierBase(new NoKeys())
    {
        public static bool BodyHashIs(MimeMessage message, DkimCanonicalizationAlgorithm canonicalization, string bodyHash)
        {
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            return VerifyBodyHash(options, message, DkimSignatureAlgorithm.RsaSha256, canonicalization, -1, bodyHash);
        }
    }

    private sealed class NoKeys : IDkimPublicKeyLocator
    {
        public Org.BouncyCastle.Crypto.AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<Org.BouncyCastle.Crypto.AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
