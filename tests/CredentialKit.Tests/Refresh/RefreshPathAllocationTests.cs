using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// The pieces of every refresh that used to allocate for nothing: request lists that are absent, a masked key for a log
/// line that is off, a span name with no listener.
/// </summary>
public sealed class RefreshPathAllocationTests
{
    [Fact]
    public void PolicyDescriptors_NoPolicyArns_ReturnsNullWithoutAllocating()
    {
        var none = ImmutableArray<string>.Empty;
        _ = PolicyDescriptors.From(none); // warm up (JIT)

        var before = GC.GetAllocatedBytesForCurrentThread();
        var descriptors = PolicyDescriptors.From(none);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(descriptors);
        Assert.Equal(0, allocated);
        Assert.Null(PolicyDescriptors.From(default)); // a default array is "none" too, not a crash
    }

    [Fact]
    public void PolicyDescriptors_SomePolicyArns_ReturnsOneDescriptorEachInOrder()
    {
        var descriptors = PolicyDescriptors.From(["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::111122223333:policy/b"]);

        Assert.NotNull(descriptors);
        Assert.Equal(["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::111122223333:policy/b"], descriptors.Select(d => d.Arn));
    }

    [Fact]
    public void SessionTags_NoTags_ReturnsNullWithoutAllocating()
    {
        var none = ImmutableArray<KeyValuePair<string, string>>.Empty;
        _ = SessionTags.From(none);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var tags = SessionTags.From(none);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(tags);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void SessionTags_SomeTags_KeepsKeysValuesAndOrder()
    {
        var tags = SessionTags.From([new("team", "billing"), new("env", "")]);

        Assert.NotNull(tags);
        Assert.Equal(["team=billing", "env="], tags.Select(t => $"{t.Key}={t.Value}"));
    }

    [Fact]
    public void RefreshSucceeded_InformationOff_BuildsNoMaskedKey()
    {
        var logger = NullLogger.Instance;
        var expiration = DateTimeOffset.UnixEpoch;
        Log.RefreshSucceeded(logger, "arn:aws:iam::111122223333:role/hub", "test", "ASIAEXAMPLEKEY000001", expiration, expiration);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Log.RefreshSucceeded(logger, "arn:aws:iam::111122223333:role/hub", "test", "ASIAEXAMPLEKEY000001", expiration, expiration);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RefreshSucceeded_InformationOn_LogsTheMaskedKeyOnly()
    {
        using var factory = new CapturingLoggerFactory();
        var logger = factory.CreateLogger("test");

        Log.RefreshSucceeded(logger, "arn:aws:iam::111122223333:role/hub", "test", "ASIAEXAMPLEKEY000001", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var entry = Assert.Single(factory.WithEventId(2));
        Assert.Contains("ASIA…0001", entry.Message);
        Assert.DoesNotContain("ASIAEXAMPLEKEY000001", entry.Message);
    }

    [Fact]
    public void StsSpanNames_SameOperation_ReturnsTheSameCachedName()
    {
        var first = StsSpanNames.For("AssumeRoleWithWebIdentity");

        Assert.Equal("STS/AssumeRoleWithWebIdentity", first);
        Assert.Same(first, StsSpanNames.For("AssumeRoleWithWebIdentity"));
    }
}
