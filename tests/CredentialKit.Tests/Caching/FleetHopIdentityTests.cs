using System.Collections.Immutable;

namespace CredentialKit.Tests.Caching;

/// <summary>The rule for which hops a fleet shares: same request down to the source, never two different sources.</summary>
public class FleetHopIdentityTests
{
    private static readonly StsOptions Sts = new() { Region = "eu-west-1" };

    [Fact]
    public void ForWebIdentity_DifferentTokenFilesAndProviders_SameIdentity()
    {
        var podA = WebIdentity("arn:aws:iam::111122223333:role/app", tokenFile: "/var/run/pod-a/token");
        var podB = WebIdentity("arn:aws:iam::111122223333:role/app", tokenFile: null, tokenProvider: _ => ValueTask.FromResult("jwt-b"));

        Assert.Equal(FleetHopIdentity.ForWebIdentity(podA, Sts), FleetHopIdentity.ForWebIdentity(podB, Sts));
    }

    [Fact]
    public void ForWebIdentity_DifferentRoles_DifferentIdentities()
    {
        Assert.NotEqual(
            FleetHopIdentity.ForWebIdentity(WebIdentity("arn:aws:iam::111122223333:role/app"), Sts),
            FleetHopIdentity.ForWebIdentity(WebIdentity("arn:aws:iam::111122223333:role/other"), Sts));
    }

    [Fact]
    public void ForRole_OnWebIdentityParentsOfTwoPods_SameIdentity()
    {
        var parentA = FleetHopIdentity.ForWebIdentity(WebIdentity("arn:aws:iam::111122223333:role/app", tokenFile: "/a"), Sts);
        var parentB = FleetHopIdentity.ForWebIdentity(WebIdentity("arn:aws:iam::111122223333:role/app", tokenFile: "/b"), Sts);
        var hub = Role("arn:aws:iam::444455556666:role/hub");

        Assert.Equal(FleetHopIdentity.ForRole(parentA, hub, Sts), FleetHopIdentity.ForRole(parentB, hub, Sts));
    }

    [Fact]
    public void ForSigner_StaticKeysOfTwoUsers_DifferentIdentities()
    {
        var alice = FleetHopIdentity.ForSigner(SourceCredentialsFactory.StaticKeys("AKIAALICE0000000000A", "alice-secret", null));
        var bob = FleetHopIdentity.ForSigner(SourceCredentialsFactory.StaticKeys("AKIABOB00000000000BB", "bob-secret", null));
        var aliceAgain = FleetHopIdentity.ForSigner(SourceCredentialsFactory.StaticKeys("AKIAALICE0000000000A", "alice-secret", null));

        Assert.NotNull(alice);
        Assert.NotEqual(alice, bob);
        Assert.Equal(alice, aliceAgain);
        Assert.NotEqual(FleetHopIdentity.ForRole(alice, Role("arn:aws:iam::111122223333:role/hub"), Sts),
            FleetHopIdentity.ForRole(bob, Role("arn:aws:iam::111122223333:role/hub"), Sts));
    }

    [Fact]
    public void ForSigner_SameAccessKeyIdWithAnotherSecret_DifferentIdentity()
    {
        Assert.NotEqual(
            FleetHopIdentity.ForSigner(SourceCredentialsFactory.StaticKeys("AKIAALICE0000000000A", "alice-secret", null)),
            FleetHopIdentity.ForSigner(SourceCredentialsFactory.StaticKeys("AKIAALICE0000000000A", "guessed", null)));
    }

    [Fact]
    public void ForSigner_DefaultChainOrInstance_NotShared_AndNeitherAreHopsAboveIt()
    {
        var fromDefault = FleetHopIdentity.ForSigner(SourceCredentialsFactory.Default());
        var fromInstance = FleetHopIdentity.ForSigner(SourceCredentialsFactory.FromInstance(new Amazon.Runtime.AnonymousAWSCredentials()));

        Assert.Null(fromDefault);
        Assert.Null(fromInstance);
        Assert.Null(FleetHopIdentity.ForRole(fromDefault, Role("arn:aws:iam::111122223333:role/hub"), Sts));
    }

    [Fact]
    public void ForSaml_NeverShared()
    {
        var settings = new SamlSettings("arn:aws:iam::111122223333:role/saml", "arn:aws:iam::111122223333:saml-provider/idp",
            _ => ValueTask.FromResult("assertion"), TimeSpan.FromHours(1), null, []);

        Assert.Null(FleetHopIdentity.ForSaml(settings));
    }

    [Theory]
    [InlineData("ExternalId")]
    [InlineData("Tag")]
    [InlineData("Duration")]
    [InlineData("SessionName")]
    [InlineData("Policy")]
    [InlineData("Endpoint")]
    public void ForRole_AnyRequestParameterDiffers_DifferentIdentity(string parameter)
    {
        var parent = FleetHopIdentity.ForSigner(SourceCredentialsFactory.StaticKeys("AKIAALICE0000000000A", "alice-secret", null));
        var baseline = new AssumeRoleOptions { RoleArn = "arn:aws:iam::111122223333:role/hub", ExternalId = "x1", Duration = TimeSpan.FromMinutes(30) };
        var changed = new AssumeRoleOptions { RoleArn = baseline.RoleArn, ExternalId = baseline.ExternalId, Duration = baseline.Duration };
        var sts = Sts;
        switch (parameter)
        {
            case "ExternalId": changed.ExternalId = "x2"; break;
            case "Tag": changed.Tags["team"] = "data"; break;
            case "Duration": changed.Duration = TimeSpan.FromMinutes(45); break;
            case "SessionName": changed.RoleSessionName = "billing-app"; break;
            case "Policy": changed.PolicyArns.Add("arn:aws:iam::aws:policy/ReadOnlyAccess"); break;
            case "Endpoint": sts = new StsOptions { Region = "us-east-1" }; break;
        }

        Assert.NotEqual(
            FleetHopIdentity.ForRole(parent, AssumeRoleTemplate.From(baseline, isChained: false), Sts),
            FleetHopIdentity.ForRole(parent, AssumeRoleTemplate.From(changed, isChained: false), sts));
    }

    [Fact]
    public void ForRole_DefaultSessionName_IsNotPartOfTheIdentity()
    {
        // The per-process default name (random suffix) stands for "unset", so pods that leave it unset share; an
        // explicit name that happens to look like another pod's default does not collide with it.
        var parent = FleetHopIdentity.ForWebIdentity(WebIdentity("arn:aws:iam::111122223333:role/app"), Sts);
        var unset = AssumeRoleTemplate.From(new AssumeRoleOptions { RoleArn = "arn:aws:iam::111122223333:role/hub" }, isChained: true);
        var otherPodsDefault = AssumeRoleTemplate.From(new AssumeRoleOptions
        {
            RoleArn = "arn:aws:iam::111122223333:role/hub",
            RoleSessionName = RoleSessionNames.Build("app", "0badf00d"),
        }, isChained: true);

        Assert.Equal(RoleSessionNames.Default, unset.RoleSessionName);
        Assert.NotEqual(FleetHopIdentity.ForRole(parent, unset, Sts), FleetHopIdentity.ForRole(parent, otherPodsDefault, Sts));
        Assert.Equal(FleetHopIdentity.ForRole(parent, unset, Sts),
            FleetHopIdentity.ForRole(parent, AssumeRoleTemplate.From(new AssumeRoleOptions { RoleArn = "arn:aws:iam::111122223333:role/hub", RoleSessionName = "" }, isChained: true), Sts));
    }

    [Fact]
    public void Identities_AreFingerprints_WithoutAnyParameterInClear()
    {
        var parent = FleetHopIdentity.ForSigner(SourceCredentialsFactory.StaticKeys("AKIAALICE0000000000A", "alice-secret", null));
        var identity = FleetHopIdentity.ForRole(parent, Role("arn:aws:iam::111122223333:role/hub", externalId: "r-7731"), Sts)!;

        Assert.Matches("^ckf1:[0-9A-F]{32}$", identity);
        Assert.Matches("^ckf1:src:[0-9A-F]{32}$", parent!);
        Assert.DoesNotContain("AKIAALICE", parent, StringComparison.Ordinal);
    }

    [Fact]
    public void ForRole_DiffersFromTheInProcessKey()
    {
        // The in-process key stays as it was (it includes refresh settings and the parent's in-process key).
        var signer = SourceCredentialsFactory.StaticKeys("AKIAALICE0000000000A", "alice-secret", null);
        var template = Role("arn:aws:iam::111122223333:role/hub");
        var inProcess = CacheKeys.ForHop(signer.Fingerprint, template.Describe(), Sts, RefreshSettings.From(new RefreshOptions()));

        Assert.NotEqual(inProcess, FleetHopIdentity.ForRole(FleetHopIdentity.ForSigner(signer), template, Sts));
    }

    private static AssumeRoleTemplate Role(string roleArn, string? externalId = null) =>
        AssumeRoleTemplate.From(new AssumeRoleOptions { RoleArn = roleArn, ExternalId = externalId }, isChained: true);

    private static WebIdentitySettings WebIdentity(
        string roleArn, string? tokenFile = "/var/run/secrets/token", Func<CancellationToken, ValueTask<string>>? tokenProvider = null) =>
        new(roleArn, RoleSessionNames.Default, tokenFile, tokenProvider, TimeSpan.FromHours(1), null, ImmutableArray<string>.Empty);
}
