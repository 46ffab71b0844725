namespace CredentialKit;

/// <summary>
/// The rule for which hops processes of a fleet share through an <see cref="ISharedSessionStore"/>: two processes share a
/// hop exactly when they would ask STS for the same session. Pure functions; the result is a fingerprint (no parameter or
/// secret in clear), or <see langword="null"/> when the hop must stay per-process.
/// </summary>
/// <remarks>
/// <para>Unlike the in-process key (<see cref="CacheKeys.ForHop(string, string, StsOptions, RefreshSettings)"/>), the fleet identity leaves out everything that differs
/// between processes without changing the session STS issues:</para>
/// <list type="bullet">
/// <item>the parent's session (its access key changes every refresh and differs per pod): a hop names its parent by the
/// parent's fleet identity, down to the source;</item>
/// <item>the web identity token and where it is read from (every pod's token differs; the role is the same);</item>
/// <item>the per-process default role session name (an explicitly configured name must match);</item>
/// <item>refresh settings (each process adopts on its own schedule and checks the remaining lifetime itself).</item>
/// </list>
/// <para>It keeps everything that does change the session: role ARN, explicit session name, duration, external id, tags,
/// transitive keys, policies, source identity, MFA serial, the STS endpoint (ServiceUrl, Region, AuthenticationRegion),
/// and the source: static keys by their access key id and a hash of their secret (two users never share), a web identity
/// source by its role. Sources whose identity the process cannot know without calling AWS (the default chain, an
/// <c>AWSCredentials</c> instance, SAML, whose session name comes from the assertion) are never shared, and neither is any
/// hop above them.</para>
/// </remarks>
internal static class FleetHopIdentity
{
    /// <summary>The version of this rule, part of every identity, so a change of rule never mixes old and new entries.</summary>
    private const string Version = "ckf1";

    /// <summary>A stand-in for the per-process default session name, so processes that leave it unset share.</summary>
    private const string DefaultSessionName = "(default)";

    /// <summary>The identity of a sign-only source, or <see langword="null"/> when it is not the same across processes.</summary>
    /// <param name="signer">The credentials that sign the chain's first call.</param>
    /// <returns>Static keys: their fingerprint (access key id and secret hash); anonymous (web identity, SAML): a constant.</returns>
    public static string? ForSigner(SourceCredentials signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return signer.Fingerprint switch
        {
            var f when f.StartsWith("static:", StringComparison.Ordinal) => Version + ":src:" + CacheKeys.Hash(f),
            "anonymous" => Version + ":src:anonymous",

            // "default" resolves differently per machine (instance role, environment); "instance:N" is process-local.
            _ => null,
        };
    }

    /// <summary>The identity of a web identity hop 0: its role and request parameters, not its token.</summary>
    public static string ForWebIdentity(WebIdentitySettings settings, StsOptions sts)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var request = new SourceKeyText("AssumeRoleWithWebIdentity")
            .Add("RoleArn", settings.RoleArn)
            .Add("RoleSessionName", SessionName(settings.RoleSessionName))
            .Add("Duration", settings.Duration)
            .Add("Policy", settings.Policy)
            .AddAll("PolicyArn", settings.PolicyArns)
            .ToString();
        return Combine(Version + ":src:anonymous", request, sts);
    }

    /// <summary>The identity of a GetSessionToken hop 0, or <see langword="null"/> when its signer is not shareable.</summary>
    public static string? ForSessionToken(string? signerIdentity, SessionTokenSettings settings, StsOptions sts)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return signerIdentity is null ? null : Combine(signerIdentity, settings.Describe(), sts);
    }

    /// <summary>The identity of a GetFederationToken hop 0, or <see langword="null"/> when its signer is not shareable.</summary>
    public static string? ForFederationToken(string? signerIdentity, FederationTokenSettings settings, StsOptions sts)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return signerIdentity is null ? null : Combine(signerIdentity, settings.Describe(), sts);
    }

    /// <summary>
    /// The identity of a SAML hop 0: none. The session name and the person behind it come from each assertion, so
    /// processes with different users must never share.
    /// </summary>
    public static string? ForSaml(SamlSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return null;
    }

    /// <summary>
    /// The identity of a role hop: its parent's fleet identity and its request, or <see langword="null"/> when the parent
    /// is not shareable.
    /// </summary>
    public static string? ForRole(string? parentIdentity, AssumeRoleTemplate template, StsOptions sts)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (parentIdentity is null)
        {
            return null;
        }

        var text = new SourceKeyText("AssumeRole")
            .Add("RoleArn", template.RoleArn)
            .Add("RoleSessionName", SessionName(template.RoleSessionName))
            .Add("Duration", template.Duration)
            .Add("ExternalId", template.ExternalId);
        foreach (var tag in template.Tags)
        {
            text.Add("Tag:" + tag.Key, tag.Value);
        }

        text.AddAll("Transitive", template.TransitiveTagKeys.Order(StringComparer.OrdinalIgnoreCase))
            .Add("Policy", template.Policy)
            .AddAll("PolicyArn", template.PolicyArns)
            .Add("SourceIdentity", template.SourceIdentity)
            .Add("MfaSerialNumber", template.MfaSerialNumber);
        return Combine(parentIdentity, text.ToString(), sts);
    }

    private static string SessionName(string name) =>
        string.Equals(name, RoleSessionNames.Default, StringComparison.Ordinal) ? DefaultSessionName : name;

    private static string Combine(string parentIdentity, string request, StsOptions sts)
    {
        ArgumentNullException.ThrowIfNull(sts);
        var endpoint = new SourceKeyText("Endpoint")
            .Add("ServiceUrl", sts.ServiceUrl)
            .Add("Region", sts.Region)
            .Add("AuthenticationRegion", sts.AuthenticationRegion)
            .ToString();
        return Version + ":" + CacheKeys.Hash(string.Join('\n', parentIdentity, request, endpoint));
    }
}
