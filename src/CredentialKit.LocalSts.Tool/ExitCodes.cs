namespace CredentialKit.LocalSts.Tool;

/// <summary>The process exit codes of <c>localsts</c> (documented in <see cref="CommandLine.Usage"/>) and its default port.</summary>
internal static class ExitCodes
{
    public const int Stopped = 0;
    public const int BadArguments = 2;
    public const int AddressInUse = 3;

    /// <summary>The port when neither <c>--port</c> nor the world file names one. Not LocalStack's 4566 (nor its 4510–4559 range, nor
    /// the 4567–4599 of its old per-service ports), so both run side by side with their defaults; "4-STS" on a phone keypad.</summary>
    public const int DefaultPort = 4787;
}
