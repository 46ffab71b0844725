using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Tests.Protocol;

public sealed class QueryParametersTests
{
    [Fact]
    public void GetStructList_NonContiguousIndices_OrderedByIndex()
    {
        var p = QueryParameters.Parse("Tags.member.10.Key=c&Tags.member.10.Value=3&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=");

        var tags = p.GetStructList("Tags");

        Assert.Equal(["a", "b", "c"], tags.Select(t => t["Key"]));
        Assert.Equal(string.Empty, tags[0]["Value"]);
    }

    [Fact]
    public void GetList_ScalarMembers_OrderedAndDecoded()
    {
        var p = QueryParameters.Parse("TransitiveTagKeys.member.3=Cost%20Center&TransitiveTagKeys.member.1=Team");

        Assert.Equal(["Team", "Cost Center"], p.GetList("TransitiveTagKeys"));
    }

    [Theory]
    [InlineData("Tags=")]
    [InlineData("PolicyArns=")]
    [InlineData("TransitiveTagKeys=")]
    public void GetList_EmptyListQuirk_IsEmpty(string body)
    {
        var p = QueryParameters.Parse("Action=AssumeRole&" + body);

        Assert.Empty(p.GetStructList("Tags"));
        Assert.Empty(p.GetStructList("PolicyArns"));
        Assert.Empty(p.GetList("TransitiveTagKeys"));
    }

    [Fact]
    public void Parse_PlusAndPercentEncoding_Decoded()
    {
        var p = QueryParameters.Parse("Policy=%7B%22a%22%3A1%7D&RoleSessionName=a+b");

        Assert.Equal("{\"a\":1}", p.Get("Policy"));
        Assert.Equal("a b", p.Get("RoleSessionName"));
    }

    [Fact]
    public void GetStructList_PolicyArnsLowerCaseArnField_Read()
    {
        var p = QueryParameters.Parse("PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess");

        Assert.Equal("arn:aws:iam::aws:policy/ReadOnlyAccess", p.GetStructList("PolicyArns").Single()["arn"]);
    }
}
