namespace CredentialKit.LocalSts.Tool.Tests.Helpers;

/// <summary>The identities of <c>world.example.jsonc</c> (the demo world), as a test in any language would hard-code them.</summary>
internal static class World
{
    public const string AccountId = "111122223333";
    public const string UserArn = "arn:aws:iam::111122223333:user/demo";
    public const string HubRoleArn = "arn:aws:iam::111122223333:role/hub";
    public const string MfaRoleArn = "arn:aws:iam::111122223333:role/mfa-admin";
    public const string ReportsRoleArn = "arn:aws:iam::444455556666:role/reports";
    public const string ReportsExternalId = "r-7731";
    public const string WebRoleArn = "arn:aws:iam::111122223333:role/web";
    public const string SamlRoleArn = "arn:aws:iam::111122223333:role/sso";
    public const string SamlProviderArn = "arn:aws:iam::111122223333:saml-provider/demo-idp";
    public const string MfaSerialNumber = "arn:aws:iam::111122223333:mfa/demo";
    public const string MfaFixedCode = "123456";

    public static readonly AwsCli.Keys DemoUser = new("AKIALOCALSTSDEMO0001", "localStsDemoSecretKey/NotARealSecret0001");
}
