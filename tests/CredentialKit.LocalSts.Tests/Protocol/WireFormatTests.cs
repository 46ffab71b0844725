using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Protocol;

public sealed partial class WireFormatTests
{
    private static readonly XNamespace Ns = "https://sts.amazonaws.com/doc/2011-06-15/";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex ExpirationFormat();

    private static Task<HttpResponseMessage> SignedAsync(LocalStsServer server, string body) =>
        RawSts.PostAsync(server, body, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey);

    [Fact]
    public async Task AssumeRole_Success_WritesNamespacedXmlWithRequestIdAndSecondPrecisionExpiration()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await SignedAsync(server, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fhub&RoleSessionName=app&Tags=&TransitiveTagKeys=&PolicyArns=");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var requestId = response.Headers.GetValues("x-amzn-RequestId").Single();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Ns + "AssumeRoleResponse", xml.Root!.Name);
        Assert.Equal(requestId, xml.Root.Element(Ns + "ResponseMetadata")!.Element(Ns + "RequestId")!.Value);
        Assert.Matches(ExpirationFormat(), xml.Descendants(Ns + "Expiration").Single().Value);
        Assert.Empty(xml.Descendants(Ns + "PackedPolicySize"));
    }

    [Fact]
    public async Task AssumeRole_WithTags_WritesPackedPolicySize()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await SignedAsync(server, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fhub&RoleSessionName=app&Tags.member.1.Key=Team&Tags.member.1.Value=blue");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());

        // ceil(100 × 8 / 2048) = 1.
        Assert.Equal("1", xml.Descendants(Ns + "PackedPolicySize").Single().Value);
    }

    [Fact]
    public async Task HandleAsync_Error_WritesErrorResponseWithTypeCodeMessageRequestId()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await SignedAsync(server, "Action=AssumeRole&Version=2011-06-15&RoleArn=short&RoleSessionName=app");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = xml.Root!.Element(Ns + "Error")!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Ns + "ErrorResponse", xml.Root.Name);
        Assert.Equal("Sender", error.Element(Ns + "Type")!.Value);
        Assert.Equal("ValidationError", error.Element(Ns + "Code")!.Value);
        Assert.StartsWith("1 validation error detected:", error.Element(Ns + "Message")!.Value, StringComparison.Ordinal);
        Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(), xml.Root.Element(Ns + "RequestId")!.Value);
    }

    [Theory]
    [InlineData("Action=AssumeRoot&Version=2011-06-15", "Could not find operation AssumeRoot for version 2011-06-15")]
    [InlineData("Action=GetCallerIdentity&Version=2010-01-01", "Could not find operation GetCallerIdentity for version 2010-01-01")]
    public async Task HandleAsync_UnknownActionOrVersion_ReturnsInvalidAction(string body, string message)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await SignedAsync(server, body);
        var error = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element(Ns + "Error")!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidAction", error.Element(Ns + "Code")!.Value);
        Assert.Equal(message, error.Element(Ns + "Message")!.Value);
    }

    [Fact]
    public async Task HandleAsync_Unsigned_ReturnsMissingAuthenticationToken()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await RawSts.PostAsync(server, "Action=GetCallerIdentity&Version=2011-06-15");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
