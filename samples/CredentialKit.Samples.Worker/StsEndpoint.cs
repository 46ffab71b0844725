namespace CredentialKit.Samples.Worker;

/// <summary>Where the embedded LocalSts listens; the SDK client of the worker calls it too.</summary>
/// <param name="Url">The endpoint.</param>
public sealed record StsEndpoint(Uri Url);
