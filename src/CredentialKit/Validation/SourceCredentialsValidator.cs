namespace CredentialKit;

/// <summary>Checks <see cref="SourceCredentialsOptions"/>: the settings its <see cref="SourceCredentialsOptions.Type"/> needs, and no others.</summary>
/// <remarks>
/// A setting the type ignores is an error rather than a silent no-op: an access key under <c>Type: Default</c> almost
/// always means <c>Type: Static</c> was forgotten. Values of secrets are never shown, only whether they are set.
/// </remarks>
internal static class SourceCredentialsValidator
{
    private const string Path = "Source";

    public static void Validate(SourceCredentialsOptions source, ValidationFailures failures)
    {
        switch (source.Type)
        {
            case SourceCredentialsType.Default:
                RejectStatic(source, failures);
                RejectInstance(source, failures);
                break;
            case SourceCredentialsType.Static:
                ValidateStatic(source, failures);
                RejectInstance(source, failures);
                break;
            case SourceCredentialsType.Credentials:
                if (source.Credentials is null)
                {
                    failures.Add($"{Path}:Credentials", "is missing while Source:Type is Credentials", "an AWSCredentials instance, set in code");
                }

                RejectStatic(source, failures);
                break;
            default:
                failures.Add(
                    $"{Path}:Type",
                    $"is {(int)source.Type}, which is not a defined value",
                    string.Join(", ", Enum.GetNames<SourceCredentialsType>()));
                break;
        }
    }

    private static void ValidateStatic(SourceCredentialsOptions source, ValidationFailures failures)
    {
        if (string.IsNullOrEmpty(source.AccessKeyId))
        {
            failures.Add($"{Path}:AccessKeyId", "is missing while Source:Type is Static", StsLimits.AccessKeyId.Allowed);
        }
        else
        {
            foreach (var problem in StsLimits.AccessKeyId.Check(source.AccessKeyId))
            {
                failures.Add($"{Path}:AccessKeyId", problem, StsLimits.AccessKeyId.Allowed);
            }
        }

        if (string.IsNullOrWhiteSpace(source.SecretAccessKey))
        {
            failures.Add(
                $"{Path}:SecretAccessKey",
                source.SecretAccessKey is null or "" ? "is missing while Source:Type is Static" : "is only white space",
                "the non-empty secret access key of Source:AccessKeyId");
        }
    }

    private static void RejectStatic(SourceCredentialsOptions source, ValidationFailures failures)
    {
        var ignored = $"is set but ignored because Source:Type is {source.Type}";
        const string Allowed = "only with Source:Type Static (set Type to Static, or remove the setting)";
        if (!string.IsNullOrEmpty(source.AccessKeyId))
        {
            failures.Add($"{Path}:AccessKeyId", ignored, Allowed);
        }

        if (!string.IsNullOrEmpty(source.SecretAccessKey))
        {
            failures.Add($"{Path}:SecretAccessKey", ignored, Allowed);
        }

        if (!string.IsNullOrEmpty(source.SessionToken))
        {
            failures.Add($"{Path}:SessionToken", ignored, Allowed);
        }
    }

    private static void RejectInstance(SourceCredentialsOptions source, ValidationFailures failures)
    {
        if (source.Credentials is not null)
        {
            failures.Add(
                $"{Path}:Credentials",
                $"is set but ignored because Source:Type is {source.Type}",
                "only with Source:Type Credentials (set Type to Credentials, or remove the instance)");
        }
    }
}
