namespace CredentialKit.Tests.Helpers;

/// <summary>A jitter source that always returns the same value, so schedules are exact.</summary>
public static class FixedRandom
{
    public static Func<double> Of(double value) => () => value;
}
