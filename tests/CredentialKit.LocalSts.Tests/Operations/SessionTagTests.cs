using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Operations;

public sealed class SessionTagTests
{
    private static AssumeRoleRequest HubWithTags(List<Tag> tags, List<string>? transitive = null) =>
        new() { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app", Tags = tags, TransitiveTagKeys = transitive };

    private static AssumeRoleRequest Reports(List<Tag>? tags = null) =>
        new() { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "rpt", ExternalId = LocalStsDemo.ReportsExternalId, Tags = tags };

    [Fact]
    public async Task AssumeRole_DuplicateTagKeysIgnoringCase_ReturnsInvalidParameterValue()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() =>
            client.AssumeRoleAsync(HubWithTags([new Tag { Key = "Team", Value = "a" }, new Tag { Key = "team", Value = "b" }])));

        Assert.Equal("InvalidParameterValue", ex.ErrorCode);
        Assert.Equal("Duplicate tag keys found. Please note that Tag keys are case insensitive.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_TransitiveKeyNotInTags_ReturnsInvalidParameterValue()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() =>
            client.AssumeRoleAsync(HubWithTags([new Tag { Key = "Team", Value = "a" }], ["Project"])));

        Assert.Equal("InvalidParameterValue", ex.ErrorCode);
        Assert.Equal("The specified transitive tag key must be included in the requested tags.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_Chained_InheritsOnlyTransitiveTags()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(HubWithTags([new Tag { Key = "Team", Value = "blue" }, new Tag { Key = "Cost", Value = "42" }], ["Team"]));
        using var hubClient = Sts.Client(server, Sts.AsCredentials(hub.Credentials));

        var reports = await hubClient.AssumeRoleAsync(Reports([new Tag { Key = "Env", Value = "dev" }]));

        var session = server.GetSession(reports.Credentials.AccessKeyId)!;
        Assert.Equal("blue", session.Tags["team"]);
        Assert.Equal("dev", session.Tags["Env"]);
        Assert.False(session.Tags.ContainsKey("Cost"));
        Assert.Equal(["Team"], session.TransitiveTagKeys);
    }

    [Theory]
    [InlineData("Team")]
    [InlineData("TEAM")]
    public async Task AssumeRole_ChainedReSetsInheritedTransitiveKey_ReturnsConflict(string key)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(HubWithTags([new Tag { Key = "Team", Value = "blue" }], ["Team"]));
        using var hubClient = Sts.Client(server, Sts.AsCredentials(hub.Credentials));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => hubClient.AssumeRoleAsync(Reports([new Tag { Key = key, Value = "red" }])));

        Assert.Equal("InvalidParameterValue", ex.ErrorCode);
        Assert.Equal("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_InvalidTagKey_ReportsTagPath()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var badKey = string.Concat("bad", "#key");

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleAsync(HubWithTags([new Tag { Key = "ok", Value = "v" }, new Tag { Key = badKey, Value = "v" }])));

        Assert.Equal(@"1 validation error detected: Value 'bad#key' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_MoreThanFiftyTags_ReturnsValidationError()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var tags = Enumerable.Range(0, 51).Select(i => new Tag { Key = $"k{i}", Value = "v" }).ToList();

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleAsync(HubWithTags(tags)));

        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.StartsWith("1 validation error detected: Value '[", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRole_TagsBeyondPackedBudget_ReturnsPackedPolicyTooLarge()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        // 10 tags × (8 + 256) characters = 2640 of a 2048 budget -> ceil(128.9) = 129 %.
        var tags = Enumerable.Range(0, 10).Select(i => new Tag { Key = $"tagkey{i:D2}", Value = new string('v', 256) }).ToList();

        var ex = await Assert.ThrowsAsync<PackedPolicyTooLargeException>(() => client.AssumeRoleAsync(HubWithTags(tags)));

        Assert.Equal("Packed size of session tags consumes 129% of allotted space.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_PolicyBeyondPackedBudget_ReturnsPackedPolicyMessage()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.PackedPolicyBudget = 50);
        await using var __ = server;
        using var client = Sts.Client(server);
        var policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";

        var ex = await Assert.ThrowsAsync<PackedPolicyTooLargeException>(() => client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app", Policy = policy }));

        Assert.Equal($"Packed policy consumes {(int)Math.Ceiling(policy.Length * 100.0 / 50)}% of allotted space", ex.Message);
    }
}
