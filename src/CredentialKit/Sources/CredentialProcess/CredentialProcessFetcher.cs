using System.ComponentModel;

namespace CredentialKit;

/// <summary>
/// Issues the source session by running the profile's <c>credential_process</c>. Errors name the profile and the
/// executable only: the command's arguments, its stdout and its stderr may all carry secrets, so stderr appears only
/// masked and cut (<see cref="SecretRedaction.Echoed"/>) and stdout never.
/// </summary>
internal sealed class CredentialProcessFetcher(CredentialProcessSettings settings, CredentialKitContext context, string? profileName)
    : LocalSourceFetcher("credential_process", settings.Subject, context, profileName)
{
    private readonly string _key = "credential_process\n" + CacheKeys.Hash(settings.CommandLine);

    protected override Task<SessionCredentials> FetchCoreAsync(CancellationToken cancellationToken) =>
        ProcessWideSourceFetch.For(Context.TimeProvider).FetchAsync(_key, LastIssued, RunAsync, cancellationToken);

    private async Task<SourceFetchResult> RunAsync(CancellationToken cancellationToken)
    {
        CredentialProcessResult result;
        try
        {
            result = await CredentialProcessRunner.RunAsync(
                settings.Arguments, settings.Timeout, settings.MaxOutputBytes, Context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw Failure($"The credential process '{settings.Executable}' did not finish within {settings.Timeout} and was killed",
                "CredentialProcessTimeout", isTransient: true, inner: null);
        }
        catch (Win32Exception e)
        {
            // The native error number says not-found or not-executable; the message would repeat the path only.
            throw Failure($"The credential process '{settings.Executable}' could not be started (error {e.NativeErrorCode})",
                "CredentialProcessNotStarted", isTransient: false, inner: null);
        }

        if (result.StdoutTooLarge)
        {
            throw Failure($"The credential process '{settings.Executable}' wrote more than {settings.MaxOutputBytes} bytes to stdout",
                "CredentialProcessOutputTooLarge", isTransient: false, inner: null);
        }

        var stderr = SecretRedaction.Echoed(result.Stderr);
        if (result.ExitCode != 0)
        {
            var said = stderr.Length == 0 ? string.Empty : $"; stderr (masked): {stderr}";
            throw Failure($"The credential process '{settings.Executable}' exited with code {result.ExitCode}{said}",
                "CredentialProcessFailed", isTransient: true, inner: null);
        }

        if (stderr.Length > 0)
        {
            SourceLog.CredentialProcessStderr(Logger, RoleArn, stderr);
        }

        var session = CredentialProcessOutput.TryParse(result.Stdout, out var problem);
        return session is null
            ? throw Failure($"The credential process '{settings.Executable}' succeeded, but {problem}", "CredentialProcessMalformedOutput", isTransient: false, inner: null)
            : new SourceFetchResult(session);
    }
}
