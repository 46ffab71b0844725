namespace CredentialKit.Tests.Helpers;

/// <summary>Asserts that a call finished synchronously (the cached path) and returns its result without blocking.</summary>
public static class Completed
{
    public static T Result<T>(ValueTask<T> pending)
    {
        Assert.True(pending.IsCompletedSuccessfully, "Expected the call to complete synchronously.");
        return pending.Result;
    }
}
