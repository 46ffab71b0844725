namespace CredentialKit.LocalSts.Tool;

/// <summary>The process exit codes of <c>localsts</c> (documented in <see cref="CommandLine.Usage"/>) and its default port.</summary>
internal static class ExitCodes
{
    public const int Stopped = 0;
    public const int BadArguments = 2;
    public const int AddressInUse = 3;
    public const int DefaultPort = 4566;
}
