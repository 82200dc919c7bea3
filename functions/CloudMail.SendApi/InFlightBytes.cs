using Microsoft.Extensions.Options;

namespace CloudMail.SendApi;

/// <summary>
/// Bytes of send API request bodies being received or processed right now, per API key and in total, capped by
/// <see cref="SendApiOptions.MaxInFlightBytesPerKey"/> (over it: 429) and <see cref="SendApiOptions.MaxInFlightBytes"/>
/// (over it: 503), both with <c>Retry-After</c> (RFC 9110 §10.2.3, RFC 6585 §4). A request takes a
/// <see cref="InFlightLease"/>, reserves its declared Content-Length up front and grows the reservation as bytes beyond it
/// arrive (a chunked body declares none); everything is given back when the request ends. One key's slow uploads thus
/// cannot hold the memory and temp space every client shares. One instance per host process (a singleton).
/// </summary>
public sealed class InFlightBytes(IOptions<SendApiOptions> options)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _perKey = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Bytes reserved by all requests now.</summary>
    public long Total
    {
        get
        {
            lock (_gate) return _total;
        }
    }

    /// <summary>Bytes reserved by the requests of <paramref name="keyId"/> now.</summary>
    public long OfKey(string keyId)
    {
        lock (_gate) return _perKey.GetValueOrDefault(keyId);
    }

    /// <summary>A lease for one request of <paramref name="keyId"/>, holding nothing yet. Dispose it when the request ends.</summary>
    public InFlightLease Open(string keyId) => new(this, keyId);

    /// <summary>Adds <paramref name="bytes"/> to the key's and the total count, or returns the 429/503 problem and adds nothing.</summary>
    internal ApiProblem? TryAdd(string keyId, long bytes)
    {
        var limits = options.Value;
        lock (_gate)
        {
            long ofKey = _perKey.GetValueOrDefault(keyId);
            if (ofKey + bytes > limits.MaxInFlightBytesPerKey)
            {
                return ApiProblem.TooManyRequests(
                    $"This API key already has {ofKey} bytes of requests in flight; at most {limits.MaxInFlightBytesPerKey} are allowed. Retry when earlier requests have finished.",
                    limits.InFlightRetryAfter);
            }
            if (_total + bytes > limits.MaxInFlightBytes)
            {
                return ApiProblem.Busy(
                    "The server is receiving as many bytes as it allows at once; nothing was accepted. Retry later (with the same Idempotency-Key).",
                    limits.InFlightRetryAfter);
            }
            _perKey[keyId] = ofKey + bytes;
            _total += bytes;
            return null;
        }
    }

    internal void Release(string keyId, long bytes)
    {
        if (bytes == 0) return;
        lock (_gate)
        {
            long left = _perKey.GetValueOrDefault(keyId) - bytes;
            if (left <= 0) _perKey.Remove(keyId);
            else _perKey[keyId] = left;
            _total -= bytes;
        }
    }
}

/// <summary>The bytes one request holds in <see cref="InFlightBytes"/>. Not thread-safe (one request reads its body in order).</summary>
public sealed class InFlightLease : IDisposable
{
    private readonly InFlightBytes _owner;
    private readonly string _keyId;
    private long _held;
    private long _received;
    private bool _disposed;

    internal InFlightLease(InFlightBytes owner, string keyId)
    {
        _owner = owner;
        _keyId = keyId;
    }

    /// <summary>Bytes this request holds.</summary>
    public long Held => _held;

    /// <summary>
    /// Reserves the body's declared length before any of it is read; null when granted (or nothing was declared), else the
    /// 429/503 problem.
    /// </summary>
    public ApiProblem? Reserve(long? declaredLength) => declaredLength is > 0 ? Grow(declaredLength.Value) : null;

    /// <summary>Counts <paramref name="count"/> more body bytes, growing the reservation past what was reserved; null or the 429/503 problem.</summary>
    public ApiProblem? Receive(int count)
    {
        _received += count;
        return _received > _held ? Grow(_received - _held) : null;
    }

    private ApiProblem? Grow(long bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_owner.TryAdd(_keyId, bytes) is { } refused) return refused;
        _held += bytes;
        return null;
    }

    /// <summary>Gives back everything held.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _owner.Release(_keyId, _held);
        _held = 0;
    }
}
