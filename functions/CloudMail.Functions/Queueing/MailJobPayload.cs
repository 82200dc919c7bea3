using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using CloudMail.Core.Queue;

namespace CloudMail.Functions.Queueing;

/// <summary>
/// Reads the body of a queue message as a <see cref="MailJob"/> (System.Text.Json, camelCase, as CloudMail's queue
/// adapters write it). Checks what the stages rely on, so that a malformed body is classified as poison here rather
/// than failing somewhere inside a stage. Never throws for any body.
/// </summary>
public static class MailJobPayload
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The body as JSON (for tests and tools that build queue messages by hand).</summary>
    public static BinaryData Write(MailJob job) => BinaryData.FromObjectAsJson(job, Options);

    /// <summary>True with the job, or false with a one-line reason fit for a dead-letter description.</summary>
    public static bool TryRead(BinaryData body, [NotNullWhen(true)] out MailJob? job, [NotNullWhen(false)] out string? problem)
    {
        job = null;
        MailJob? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<MailJob>(body.ToMemory().Span, Options);
        }
        catch (JsonException e)
        {
            problem = "body is not a MailJob JSON document: " + e.Message;
            return false;
        }
        problem = parsed is null ? "body is JSON null" : Check(parsed);
        if (problem is not null) return false;
        job = parsed!;
        return true;
    }

    // Deserialization leaves absent members null whatever the nullable annotations say.
    private static string? Check(MailJob job)
    {
        if (string.IsNullOrEmpty(job.JobId)) return "jobId is missing";
        if (string.IsNullOrEmpty(job.MessageId)) return "messageId is missing";
        if (job.Blob is null || string.IsNullOrEmpty(job.Blob.Id)) return "blob is missing";
        if (job.Envelope is null) return "envelope is missing";
        if (job.Envelope.Recipients is null || job.Envelope.Recipients.Count == 0) return "envelope has no recipients";
        if (job.Envelope.MailFrom is null) return "envelope.mailFrom is missing";
        if (job.Recipients is { Count: 0 }) return "recipients is empty";
        return null;
    }
}
