using System.Collections.Immutable;
using System.Text;

namespace CredentialKit;

/// <summary>
/// An immutable copy of one <see cref="AssumeRoleOptions"/>, taken when a provider is created so later changes to the
/// options object cannot change a running chain. Also renders the hop's fingerprint for the session cache.
/// </summary>
internal sealed class AssumeRoleTemplate
{
    private readonly Extras? _extras;

    private AssumeRoleTemplate(AssumeRoleOptions options, bool isChained)
    {
        RoleArn = options.RoleArn ?? throw new ArgumentException("RoleArn is required.", nameof(options));
        RoleSessionName = string.IsNullOrEmpty(options.RoleSessionName) ? RoleSessionNames.Default : options.RoleSessionName;
        RequestedDuration = options.Duration ?? RefreshDefaults.SessionDuration;
        IsChained = isChained;
        Duration = isChained && RequestedDuration > RefreshDefaults.RoleChainingMaximum ? RefreshDefaults.RoleChainingMaximum : RequestedDuration;
        ExternalId = options.ExternalId;
        if (options.Tags.Count > 0 || options.TransitiveTagKeys.Count > 0 || options.Policy is not null
            || options.PolicyArns.Count > 0 || options.SourceIdentity is not null || options.MfaSerialNumber is not null
            || options.MfaTokenCodeProvider is not null)
        {
            _extras = new Extras(
                options.Tags.OrderBy(t => t.Key, StringComparer.OrdinalIgnoreCase).ToImmutableArray(),
                [.. options.TransitiveTagKeys],
                options.Policy,
                [.. options.PolicyArns],
                options.SourceIdentity,
                options.MfaSerialNumber,
                options.MfaTokenCodeProvider);
        }
    }

    public string RoleArn { get; }

    public string RoleSessionName { get; }

    /// <summary>The duration the options asked for.</summary>
    public TimeSpan RequestedDuration { get; }

    /// <summary>The duration actually requested: clamped to one hour when the hop is role chaining.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Whether the hop is assumed with another role's session (role chaining, capped at one hour by STS).</summary>
    public bool IsChained { get; }

    public bool IsDurationClamped => Duration != RequestedDuration;

    /// <summary>The external id: kept on the template itself, since a SaaS gives every tenant one.</summary>
    public string? ExternalId { get; }

    public ImmutableArray<KeyValuePair<string, string>> Tags => _extras?.Tags ?? [];

    public ImmutableArray<string> TransitiveTagKeys => _extras?.TransitiveTagKeys ?? [];

    public string? Policy => _extras?.Policy;

    public ImmutableArray<string> PolicyArns => _extras?.PolicyArns ?? [];

    public string? SourceIdentity => _extras?.SourceIdentity;

    public string? MfaSerialNumber => _extras?.MfaSerialNumber;

    public Func<CancellationToken, ValueTask<string>>? MfaTokenCodeProvider => _extras?.MfaTokenCodeProvider;

    public static AssumeRoleTemplate From(AssumeRoleOptions options, bool isChained) => new(options, isChained);

    /// <summary>
    /// Every request parameter that changes the issued session, in a fixed order. Hashed before use as a cache key;
    /// contains no secret (the MFA code is fetched per call and is not part of it).
    /// </summary>
    public string Describe()
    {
        var builder = new StringBuilder();
        AppendDescription(builder);
        return builder.ToString();
    }

    /// <summary>Appends <see cref="Describe"/>'s text to <paramref name="builder"/>, so a cache key can hash it without a copy.</summary>
    public void AppendDescription(StringBuilder builder)
    {
        builder.Append("AssumeRole");
        Append(builder, "RoleArn", RoleArn);
        Append(builder, "RoleSessionName", RoleSessionName);
        Append(builder, "Duration", Duration.Ticks);
        Append(builder, "ExternalId", ExternalId);
        foreach (var tag in Tags)
        {
            Append(builder, "Tag:" + tag.Key, tag.Value);
        }

        foreach (var key in TransitiveTagKeys.IsEmpty ? Enumerable.Empty<string>() : TransitiveTagKeys.Order(StringComparer.OrdinalIgnoreCase))
        {
            Append(builder, "Transitive", key);
        }

        Append(builder, "Policy", Policy);
        foreach (var arn in PolicyArns)
        {
            Append(builder, "PolicyArn", arn);
        }

        Append(builder, "SourceIdentity", SourceIdentity);
        Append(builder, "MfaSerialNumber", MfaSerialNumber);
    }

    private static void Append(StringBuilder builder, string name, long value)
    {
        // The same text as the invariant-culture string of the number, without allocating it.
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        builder.Append('|').Append(name).Append('=').Append(written).Append(':').Append(digits[..written]);
    }

    private static void Append(StringBuilder builder, string name, string? value)
    {
        // Length-prefixed so no choice of values can make two different hops render the same text.
        builder.Append('|').Append(name).Append('=');
        if (value is null)
        {
            builder.Append('-');
        }
        else
        {
            builder.Append(value.Length).Append(':').Append(value);
        }
    }

    /// <summary>
    /// The request parameters most hops leave unset, kept apart so a plain <c>ForRole</c> tenant (role ARN and session
    /// name, perhaps an external id) carries one null reference instead of seven fields.
    /// </summary>
    private sealed record Extras(
        ImmutableArray<KeyValuePair<string, string>> Tags,
        ImmutableArray<string> TransitiveTagKeys,
        string? Policy,
        ImmutableArray<string> PolicyArns,
        string? SourceIdentity,
        string? MfaSerialNumber,
        Func<CancellationToken, ValueTask<string>>? MfaTokenCodeProvider);
}
