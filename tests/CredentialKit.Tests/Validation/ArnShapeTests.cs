namespace CredentialKit.Tests.Validation;

/// <summary>The span-based ARN check (no allocation for a valid ARN) accepts and refuses exactly what the rules say.</summary>
public class ArnShapeTests
{
    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/reports")]
    [InlineData("arn:aws-us-gov:iam::111122223333:role/path/to/reports")]
    [InlineData("arn:aws-iso-b:iam::111122223333:role/a")]
    [InlineData("arn:aws-cn:iam::111122223333:role/with:colon")]
    public void IsRole_WellFormed_True(string arn)
    {
        Assert.True(ArnRules.IsRole(arn));
        Assert.Empty(ArnRules.CheckRole(arn));
    }

    [Theory]
    [InlineData("arn:aws-:iam::111122223333:role/reports", "has partition 'aws-'")]
    [InlineData("arn:aws-US:iam::111122223333:role/reports", "has partition 'aws-US'")]
    [InlineData("arn:awsx:iam::111122223333:role/reports", "has partition 'awsx'")]
    [InlineData("arn:aws:sts::111122223333:role/reports", "has service 'sts'")]
    [InlineData("arn:aws:iam:eu-west-1:111122223333:role/reports", "has region 'eu-west-1'")]
    [InlineData("arn:aws:iam::11112222333:role/reports", "has account '11112222333'")]
    [InlineData("arn:aws:iam::aws:role/reports", "has account 'aws'")]
    [InlineData("arn:aws:iam::111122223333:role/", "has resource 'role/'")]
    [InlineData("arn:aws:iam::111122223333:roles/x", "has resource 'roles/x'")]
    [InlineData("arn:aws:iam::111122223333:role/a b", "has resource 'role/a b'")]
    [InlineData("arn:aws:iam::111122223333", "does not have the six")]
    [InlineData("urn:aws:iam::111122223333:role/reports", "does not start with 'arn:'")]
    public void IsRole_Malformed_FalseAndCheckNamesThePart(string arn, string problem)
    {
        Assert.False(ArnRules.IsRole(arn));
        Assert.Contains(ArnRules.CheckRole(arn), p => p.StartsWith(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void CheckPolicy_AwsAccount_Allowed()
    {
        Assert.Empty(ArnRules.CheckPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        Assert.NotEmpty(ArnRules.CheckPolicy("arn:aws:iam::aws:role/ReadOnlyAccess"));
    }
}
