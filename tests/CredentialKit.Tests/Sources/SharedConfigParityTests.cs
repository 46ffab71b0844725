using SdkProfile = Amazon.Runtime.CredentialManagement.CredentialProfile;
using SdkSharedCredentialsFile = Amazon.Runtime.CredentialManagement.SharedCredentialsFile;

namespace CredentialKit.Tests.Sources;

/// <summary>
/// CredentialKit's reading of tricky shared config/credentials files equals the AWS SDK's <c>SharedCredentialsFile</c>
/// reading of the same files, setting by setting.
/// </summary>
public sealed class SharedConfigParityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ck-parity-").FullName;

    public static TheoryData<string, string, string, string> Files() => new()
    {
        { "indented keys", "[p]\n  aws_access_key_id = AKIAINDENTED00000001\n  aws_secret_access_key = indentedsecret\n", "", "p" },
        { "tab-indented keys", "[p]\n\taws_access_key_id = AKIATABBED000000001\n\taws_secret_access_key = tabsecret\n\trole_arn = arn:aws:iam::111122223333:role/tab\n", "", "p" },
        { "indented section header", "  [p]\naws_access_key_id = AKIAHEADER000000001\naws_secret_access_key = s\n", "", "p" },
        { "no spaces around =", "[p]\naws_access_key_id=AKIANOSPACE00000001\naws_secret_access_key=nospace\n", "", "p" },
        { "value containing =", "[p]\naws_access_key_id = AKIAEQUALS000000001\naws_secret_access_key = s\naws_session_token = IQoJb3JpZ2luX2VjEJr==\n", "", "p" },
        { "CRLF line endings", "[p]\r\naws_access_key_id = AKIACRLF0000000001\r\naws_secret_access_key = crlf\r\n", "", "p" },
        { "comments", "# top\n[p]\n; a comment\naws_access_key_id = AKIACOMMENT0000001\n# another\naws_secret_access_key = commented\n", "", "p" },
        { "upper-case keys", "[p]\nAWS_ACCESS_KEY_ID = AKIAUPPER000000001\nAWS_SECRET_ACCESS_KEY = upper\n", "", "p" },
        { "padded section name", "[ p ]\naws_access_key_id = AKIAPADDED00000001\naws_secret_access_key = padded\n", "", "p" },
        { "section repeated", "[p]\naws_access_key_id = AKIAFIRST000000001\n[q]\naws_access_key_id = AKIAQ0000000000001\naws_secret_access_key = q\n[p]\naws_secret_access_key = second\n", "", "p" },
        {
            "role profile in config, keys in credentials",
            "[base]\naws_access_key_id = AKIABASE0000000001\naws_secret_access_key = base\n",
            "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/hub\n  source_profile = base\nexternal_id = ext-1\nrole_session_name = sess\nmfa_serial = arn:aws:iam::111122223333:mfa/alice\n",
            "p"
        },
        {
            "indented role settings in config",
            "",
            "[profile p]\n    role_arn = arn:aws:iam::111122223333:role/web\n    web_identity_token_file = /var/run/token\n    role_session_name = web\n",
            "p"
        },
        { "nested block", "[p]\naws_access_key_id = AKIANESTED00000001\naws_secret_access_key = nested\ns3 =\n  max_concurrent_requests = 10\n  role_arn = arn:aws:iam::111122223333:role/nested\n", "", "p" },
        { "nested block then key", "[p]\ns3 =\n  addressing_style = path\naws_access_key_id = AKIANESTED00000002\naws_secret_access_key = after\n", "", "p" },
        { "key without value", "[p]\naws_access_key_id = AKIANOVALUE0000001\naws_secret_access_key = v\naws_session_token =\n", "", "p" },
        {
            "credential_source in config",
            "",
            "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/ec2\ncredential_source = Ec2InstanceMetadata\n",
            "p"
        },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Parse_TrickyFile_ReadsWhatTheSdkReads(string description, string credentials, string config, string profile)
    {
        var credentialsPath = Path.Combine(_directory, "credentials");
        var configPath = Path.Combine(_directory, "config");
        File.WriteAllText(credentialsPath, credentials);
        File.WriteAllText(configPath, config);

        var sdkFound = new SdkSharedCredentialsFile(credentialsPath).TryGetProfile(profile, out SdkProfile? sdk);
        var ours = SharedProfiles.Load(new SourceEnvironment(name => name switch
        {
            SourceEnvironment.SharedCredentialsFile => credentialsPath,
            SourceEnvironment.ConfigFile => configPath,
            _ => null,
        })).SettingsOf(profile);

        Assert.True(sdkFound, $"{description}: the SDK should read profile '{profile}' (a broken case)");
        Assert.NotNull(ours);
        var o = sdk!.Options;
        Assert.Equal(Expected(o), Actual(ours));

        // An empty value is "unset" for both readers (the SDK keeps it as "" and then ignores it), so compare it as null.
        static Dictionary<string, string?> Expected(Amazon.Runtime.CredentialManagement.CredentialProfileOptions o) => new()
        {
            ["aws_access_key_id"] = Unset(o.AccessKey),
            ["aws_secret_access_key"] = Unset(o.SecretKey),
            ["aws_session_token"] = Unset(o.Token),
            ["role_arn"] = Unset(o.RoleArn),
            ["source_profile"] = Unset(o.SourceProfile),
            ["external_id"] = Unset(o.ExternalID),
            ["role_session_name"] = Unset(o.RoleSessionName),
            ["mfa_serial"] = Unset(o.MfaSerial),
            ["credential_source"] = Unset(o.CredentialSource),
            ["web_identity_token_file"] = Unset(o.WebIdentityTokenFile),
        };

        static string? Unset(string? value) => string.IsNullOrEmpty(value) ? null : value;

        static Dictionary<string, string?> Actual(IReadOnlyDictionary<string, string> ours) => new()
        {
            ["aws_access_key_id"] = Get(ours, "aws_access_key_id"),
            ["aws_secret_access_key"] = Get(ours, "aws_secret_access_key"),
            ["aws_session_token"] = Get(ours, "aws_session_token"),
            ["role_arn"] = Get(ours, "role_arn"),
            ["source_profile"] = Get(ours, "source_profile"),
            ["external_id"] = Get(ours, "external_id"),
            ["role_session_name"] = Get(ours, "role_session_name"),
            ["mfa_serial"] = Get(ours, "mfa_serial"),
            ["credential_source"] = Get(ours, "credential_source"),
            ["web_identity_token_file"] = Get(ours, "web_identity_token_file"),
        };
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string? Get(IReadOnlyDictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
