namespace CredentialKit.LocalSts;

/// <summary>Defaults of the emulator in one place.</summary>
internal static class LocalStsDefaults
{
    public const string ApiVersion = "2011-06-15";
    public const string XmlNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    public const string SamlAudience = "https://signin.aws.amazon.com/saml";
    public const int ProgramPort = 4566;
    public const int PackedPolicyBudget = 2048;
    public static readonly TimeSpan RoleDefaultDuration = TimeSpan.FromHours(1);
    public static readonly TimeSpan SessionTokenDefaultDuration = TimeSpan.FromHours(12);
    public static readonly TimeSpan RoleChainingLimit = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultMaxRequestSkew = TimeSpan.FromMinutes(15);
}
