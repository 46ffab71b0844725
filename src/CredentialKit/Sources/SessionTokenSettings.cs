namespace CredentialKit;

/// <summary>The immutable settings of a <c>GetSessionToken</c> source.</summary>
internal sealed record SessionTokenSettings(
    string Subject,
    TimeSpan? Duration,
    string? MfaSerialNumber,
    Func<CancellationToken, ValueTask<string>>? MfaTokenCodeProvider)
{
    public static SessionTokenSettings From(SourceCredentialsOptions options, string signerDescription) => new(
        $"GetSessionToken({signerDescription})",
        options.Duration,
        string.IsNullOrEmpty(options.MfaSerialNumber) ? null : options.MfaSerialNumber,
        options.MfaTokenCodeProvider);

    public string Describe() => new SourceKeyText("GetSessionToken")
        .Add("Duration", Duration)
        .Add("MfaSerialNumber", MfaSerialNumber)
        .ToString();
}
