using static CredentialKit.Tests.Validation.ValidationTestData;

namespace CredentialKit.Tests.Validation;

/// <summary>Every message of a hop repeats its RoleArn; a value that is not ARN-shaped is repeated only as its length.</summary>
public class HopNameMaskingTests
{
    private const string PastedSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    [Theory]
    [InlineData(PastedSecret)]
    [InlineData("arn:aws:iam::111122223333:role/" + PastedSecret)]
    [InlineData("arn:" + PastedSecret + ":iam::111122223333:role/x")]
    [InlineData("not an arn at all, but a sentence")]
    public void Validate_RoleArnNotArnShaped_IsEchoedOnlyMaskedInEveryMessageOfTheHop(string roleArn)
    {
        var options = CreateValid(RoleArn, SecondRoleArn);
        options.Roles[1].RoleArn = roleArn;
        options.Roles[1].RoleSessionName = "bad name";
        options.Roles[1].Duration = TimeSpan.FromMinutes(1);

        var failures = Failures(options);

        Assert.True(failures.Count >= 2, string.Join("\n", failures));
        Assert.All(failures, f => Assert.DoesNotContain(PastedSecret, f, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain("a sentence", f, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith($"Roles:1:RoleSessionName (RoleArn that is not an ARN, {roleArn.Length} characters)", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ArnShapedRoleArn_IsEchoedAsWritten()
    {
        var options = CreateValid(RoleArn, SecondRoleArn);
        options.Roles[1].RoleSessionName = "bad name";

        Assert.StartsWith($"Roles:1:RoleSessionName ({SecondRoleArn}) ", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }
}
