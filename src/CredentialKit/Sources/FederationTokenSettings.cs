using System.Collections.Immutable;

namespace CredentialKit;

/// <summary>The immutable settings of a <c>GetFederationToken</c> source.</summary>
internal sealed record FederationTokenSettings(
    string Subject,
    string Name,
    TimeSpan? Duration,
    string? Policy,
    ImmutableArray<string> PolicyArns,
    ImmutableArray<KeyValuePair<string, string>> Tags)
{
    public static FederationTokenSettings From(SourceCredentialsOptions options, string signerDescription)
    {
        var name = options.Name ?? throw new ArgumentException("Source:Name is required for FederationToken.", nameof(options));
        return new(
            $"GetFederationToken({name}, {signerDescription})",
            name,
            options.Duration,
            options.Policy,
            [.. options.PolicyArns],
            options.Tags.OrderBy(t => t.Key, StringComparer.OrdinalIgnoreCase).ToImmutableArray());
    }

    public string Describe()
    {
        var text = new SourceKeyText("GetFederationToken")
            .Add("Name", Name)
            .Add("Duration", Duration)
            .Add("Policy", Policy)
            .AddAll("PolicyArn", PolicyArns);
        foreach (var tag in Tags)
        {
            text.Add("Tag:" + tag.Key, tag.Value);
        }

        return text.ToString();
    }
}
