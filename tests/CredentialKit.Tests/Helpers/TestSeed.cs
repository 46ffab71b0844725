using System.Globalization;
using Xunit.Abstractions;

namespace CredentialKit.Tests.Helpers;

/// <summary>The seed of a randomized test: <c>CREDENTIALKIT_SEED</c> to replay a failure, else a fresh one; written to the output.</summary>
internal static class TestSeed
{
    public static int Next(ITestOutputHelper output)
    {
        var seed = Environment.GetEnvironmentVariable("CREDENTIALKIT_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"CREDENTIALKIT_SEED={seed}");
        return seed;
    }
}
