using Azure.Data.Tables;

namespace CloudMail.Storage.Azure.Intake;

/// <summary>
/// The job of an intake marker as UTF-8 JSON in binary columns <c>Job0</c>, <c>Job1</c>, ... of at most
/// <see cref="ChunkSize"/> bytes each (Table storage: 64 KiB per binary property, 1 MiB per entity), so an envelope
/// with many recipients fits. A job larger than <see cref="MaxJobSize"/> (far more than a Service Bus message can
/// carry) throws <see cref="InvalidOperationException"/>.
/// </summary>
internal static class JobColumns
{
    public const int ChunkSize = 64 * 1024;
    public const int MaxChunks = 15;
    public const int MaxJobSize = ChunkSize * MaxChunks;

    private const string Prefix = "Job";

    public static void Write(TableEntity row, byte[] json)
    {
        if (json.Length > MaxJobSize)
            throw new InvalidOperationException($"An intake marker's job is {json.Length} bytes as JSON; at most {MaxJobSize} fit in one table row.");
        int chunks = Math.Max(1, (json.Length + ChunkSize - 1) / ChunkSize);
        for (int i = 0; i < chunks; i++)
        {
            int start = i * ChunkSize;
            row[Prefix + i] = json[start..Math.Min(json.Length, start + ChunkSize)];
        }
    }

    public static byte[] Read(TableEntity row)
    {
        using var json = new MemoryStream();
        for (int i = 0; row.GetBinary(Prefix + i) is { } chunk; i++) json.Write(chunk);
        return json.ToArray();
    }
}
