using CredentialKit;

namespace CredentialKit.Tests.Validation;

/// <summary>Builds valid profiles and runs the validator, so each test changes only the setting it is about.</summary>
internal static class ValidationTestData
{
    public const string RoleArn = "arn:aws:iam::111122223333:role/reports";
    public const string SecondRoleArn = "arn:aws:iam::444455556666:role/reports";
    public const string ThirdRoleArn = "arn:aws:iam::777788889999:role/audit";

    // Distinctive fake secrets: no message may ever contain them.
    public const string Secret = "SeCrEt+wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzz";
    public const string SessionToken = "ToKeN-FwoGZXIvYXdzEJr//////////wEaDNotARealToken";
    public const string ExternalId = "ExTeRnAl-9f3b2c1d-confused-deputy-guard";
    public const string MfaCode = "938271";

    /// <summary>A profile that passes: default source, one role, default STS and refresh settings.</summary>
    public static CredentialKitProfileOptions CreateValid(params string[] roleArns)
    {
        var options = new CredentialKitProfileOptions();
        foreach (var arn in roleArns.Length == 0 ? [RoleArn] : roleArns)
        {
            options.Roles.Add(new AssumeRoleOptions { RoleArn = arn });
        }

        return options;
    }

    /// <summary>Every failure message for <paramref name="options"/>, or none.</summary>
    public static IReadOnlyList<string> Failures(CredentialKitProfileOptions options, string? name = null)
    {
        var result = new CredentialKitProfileOptionsValidator().Validate(name, options);
        return result.Failed ? [.. result.Failures!] : [];
    }

    /// <summary>The failures of a one-role profile whose role <paramref name="configure"/> changes.</summary>
    public static IReadOnlyList<string> HopFailures(Action<AssumeRoleOptions> configure)
    {
        var options = CreateValid();
        configure(options.Roles[0]);
        return Failures(options);
    }

    public static string Repeat(char c, int count) => new(c, count);
}
