using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace CredentialKit;

/// <summary>Builds session-cache keys: SHA-256 fingerprints, so no parameter or secret appears in a key in clear.</summary>
internal static class CacheKeys
{
    private const string HopPrefix = "ck:";
    private const int HashBytes = 16;

    // A hub's ForRole tenants all pass the parent's one RefreshSettings instance: render it once, not per tenant (the
    // record's ToString renders every setting). Keyed weakly, so settings of disposed caches do not stay reachable.
    private static readonly ConditionalWeakTable<RefreshSettings, string> SettingsText = [];

    public static string Hash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, HashBytes);

    private const int BuilderCapacity = 1024;

    // Reused per thread: a ForRole tenant's request rendered into a new, growing builder would be garbage on every tenant created.
    [ThreadStatic]
    private static StringBuilder? t_builder;

    /// <summary>The key of a hop: its parent's identity, every request parameter, the endpoint and the refresh settings.</summary>
    public static string ForHop(string parentKey, string request, StsOptions sts, RefreshSettings settings) =>
        ForHop(parentKey, request, static (builder, request) => builder.Append(request), sts, settings);

    /// <summary>The key of an <c>AssumeRole</c> hop, hashing the template's description without materializing it.</summary>
    public static string ForHop(string parentKey, AssumeRoleTemplate template, StsOptions sts, RefreshSettings settings) =>
        ForHop(parentKey, template, static (builder, template) => template.AppendDescription(builder), sts, settings);

    /// <remarks>
    /// The SHA-256 of <c>string.Join('\n', parentKey, request, ServiceUrl, Region, AuthenticationRegion, settings)</c>, rendered
    /// into a reused builder and encoded into a pooled buffer: only the key itself is allocated.
    /// </remarks>
    private static string ForHop<T>(string parentKey, T request, Action<StringBuilder, T> appendRequest, StsOptions sts, RefreshSettings settings)
    {
        var builder = t_builder ?? new StringBuilder(BuilderCapacity);
        t_builder = null;
        builder.Clear().Append(parentKey).Append('\n');
        appendRequest(builder, request);
        builder.Append('\n').Append(sts.ServiceUrl)
            .Append('\n').Append(sts.Region)
            .Append('\n').Append(sts.AuthenticationRegion)
            .Append('\n').Append(SettingsText.GetValue(settings, static s => s.ToString()));

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(builder.Length));
        try
        {
            var written = 0;
            foreach (var chunk in builder.GetChunks())
            {
                written += Encoding.UTF8.GetBytes(chunk.Span, buffer.AsSpan(written));
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return HopPrefix + Convert.ToHexString(hash[..HashBytes]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (builder.Capacity <= BuilderCapacity * 4)
            {
                t_builder = builder;
            }
        }
    }
}
