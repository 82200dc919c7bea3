using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudMail.AdminApi;

/// <summary>
/// The admin API's JSON, shared by both hosts: camelCase names, enums as camelCase strings, times in ISO 8601 UTC, absent
/// values as null. Request bodies are read here, capped at <see cref="AdminApiHttp.MaxBodySize"/>.
/// </summary>
public static class AdminApiJson
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The options of every admin API body (those of <see cref="Core.Queue.QueueJobView.Json"/>, not indented).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>A response payload as UTF-8 JSON.</summary>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>
    /// Reads the body of <paramref name="request"/> as a <typeparamref name="T"/>: 415 unless <c>application/json</c>, 413 when
    /// larger than <see cref="AdminApiHttp.MaxBodySize"/>, 400 when not a JSON object of that shape. Never throws for client input.
    /// </summary>
    public static async Task<(T? Value, AdminProblem? Problem)> ReadAsync<T>(AdminApiRequest request, CancellationToken cancellationToken) where T : class
    {
        string mediaType = (request.ContentType ?? "").Split(';')[0].Trim();
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, AdminProblem.UnsupportedMediaType($"The body must be application/json, not '{(mediaType.Length == 0 ? "none" : mediaType)}'."));
        byte[] buffer = new byte[AdminApiHttp.MaxBodySize + 1];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            length += read;
        }
        if (length > AdminApiHttp.MaxBodySize) return (null, AdminProblem.TooLarge($"The request body is larger than {AdminApiHttp.MaxBodySize} bytes."));
        try
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, AdminProblem.Malformed("The body must be a JSON object."));
            var value = JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), Options);
            return value is null ? (null, AdminProblem.Malformed("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, AdminProblem.Malformed($"The body is not valid JSON of the documented shape: {e.Message}"));
        }
    }
}
