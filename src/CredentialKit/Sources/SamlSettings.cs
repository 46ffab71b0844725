using System.Collections.Immutable;

namespace CredentialKit;

/// <summary>The immutable settings of an <c>AssumeRoleWithSAML</c> source.</summary>
internal sealed record SamlSettings(
    string RoleArn,
    string PrincipalArn,
    Func<CancellationToken, ValueTask<string>> AssertionProvider,
    TimeSpan Duration,
    string? Policy,
    ImmutableArray<string> PolicyArns)
{
    public static SamlSettings From(SourceCredentialsOptions options) => new(
        options.RoleArn ?? throw new ArgumentException("Source:RoleArn is required for Saml.", nameof(options)),
        options.PrincipalArn ?? throw new ArgumentException("Source:PrincipalArn is required for Saml.", nameof(options)),
        options.SamlAssertionProvider ?? throw new ArgumentException("Source:SamlAssertionProvider is required for Saml.", nameof(options)),
        options.Duration ?? RefreshDefaults.SessionDuration,
        options.Policy,
        [.. options.PolicyArns]);

    public string Describe() => new SourceKeyText("AssumeRoleWithSAML")
        .Add("RoleArn", RoleArn)
        .Add("PrincipalArn", PrincipalArn)
        .Add("AssertionProvider", CallbackIds.Of(AssertionProvider))
        .Add("Duration", Duration)
        .Add("Policy", Policy)
        .AddAll("PolicyArn", PolicyArns)
        .ToString();
}
