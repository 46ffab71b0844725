namespace CredentialKit;

/// <summary>Start-up checks of the sources that are not STS calls (credential_process, container, instance metadata).</summary>
internal static class LocalSourceValidator
{
    public static void ValidateCredentialProcess(SourceCredentialsOptions source, ValidationFailures failures)
    {
        const string Allowed = "a command line as the AWS config file's credential_process takes it (an executable and its arguments; quotes closed)";
        if (string.IsNullOrWhiteSpace(source.CredentialProcess))
        {
            failures.Add("Source:CredentialProcess", "is missing while Source:Type is CredentialProcess", Allowed);
            return;
        }

        try
        {
            _ = CredentialProcessSettings.From(source.CredentialProcess);
        }
        catch (ArgumentException e)
        {
            // The message describes the problem without quoting the command (its arguments may be secret).
            failures.Add("Source:CredentialProcess", e.Message, Allowed);
        }
    }
}
