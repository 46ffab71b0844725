using Amazon.Runtime.CredentialManagement;
using CredentialKit;

namespace CredentialKit.Tests.PublicApi;

/// <summary>
/// A file that imports both <c>CredentialKit</c> and <c>Amazon.Runtime.CredentialManagement</c> (as code that reads AWS
/// profiles does) compiles: no CredentialKit type shares a name with one of that namespace (CS0104 before the rename of
/// <c>CredentialProfileOptions</c> to <see cref="CredentialKitProfileOptions"/>).
/// </summary>
public class NamespaceCollisionTests
{
    [Fact]
    public void BothNamespacesImported_TypesResolveWithoutQualification()
    {
        var ours = new CredentialKitProfileOptions();
        var sdks = new CredentialProfileOptions { AccessKey = "AKIAIOSFODNN7EXAMPLE" };

        Assert.Empty(ours.Roles);
        Assert.Equal("AKIAIOSFODNN7EXAMPLE", sdks.AccessKey);
        var clashes = typeof(CredentialKitProfileOptions).Assembly.GetExportedTypes().Select(t => t.Name)
            .Intersect(typeof(CredentialProfileOptions).Assembly.GetExportedTypes()
                .Where(t => t.Namespace == "Amazon.Runtime.CredentialManagement").Select(t => t.Name));
        Assert.Empty(clashes);
    }
}
