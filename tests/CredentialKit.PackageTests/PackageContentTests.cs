using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Xml.Linq;

namespace CredentialKit.PackageTests;

/// <summary>
/// What <c>dotnet pack</c> ships, for every package under <c>src/</c>, measured against what a user of a well-kept package
/// (Polly.Core, Microsoft.Extensions.Options) finds: README, icon, release notes, project and repository URLs, XML docs
/// for every target framework, SourceLink in the symbols, and dependency groups pinned to each framework's line.
/// </summary>
public sealed class PackageContentTests(PackedPackages packages) : IClassFixture<PackedPackages>
{
    private const string RepositoryUrl = "https://github.com/credentialkit/credentialkit";

    // The GUID of SourceLink's custom debug information in a portable PDB.
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    public static TheoryData<string> Packages() => new(PackageIds());

    /// <summary>The library packages: every package but the .NET tools, which ship a program under <c>tools/</c>.</summary>
    public static TheoryData<string> LibraryPackages() => new(PackageIds().Where(id => !IsTool(id)));

    [Fact]
    public void ToolPackage_ShipsTheLocalstsCommandForEveryTargetFrameworkWithNoDependencies()
    {
        using var package = packages.Open(Project("CredentialKit.LocalSts.Tool"));

        var settings = package.Entries.Where(e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(settings);
        foreach (var entry in settings)
        {
            using var stream = entry.Open();
            var command = XDocument.Load(stream).Descendants("Command").Single();
            Assert.Equal("localsts", command.Attribute("Name")?.Value);
        }

        var dependencies = Metadata(package).Elements().SingleOrDefault(e => e.Name.LocalName == "dependencies");
        Assert.True(dependencies is null || !dependencies.Descendants().Any(d => d.Attribute("id") is not null));
    }

    private static IEnumerable<string> PackageIds() =>
        Directory.GetDirectories(Path.Combine(FindRoot(), "src")).Select(Path.GetFileName).OfType<string>();

    private static bool IsTool(string id) => id.EndsWith(".Tool", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Packages))]
    public void Nuspec_HasProjectUrlRepositoryIconReadmeReleaseNotesAndOwnTags(string id)
    {
        using var package = packages.Open(Project(id));
        var metadata = Metadata(package);

        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal("Apache-2.0", Value(metadata, "license"));
        Assert.Equal(RepositoryUrl, Value(metadata, "projectUrl"));
        var repository = Element(metadata, "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Equal(RepositoryUrl, repository.Attribute("url")?.Value);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? string.Empty);
        Assert.Equal("icon.png", Value(metadata, "icon"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        var releaseNotes = Value(metadata, "releaseNotes");
        Assert.StartsWith("### ", releaseNotes, StringComparison.Ordinal); // the CHANGELOG section's first heading
        Assert.Contains($"{RepositoryUrl}/blob/main/CHANGELOG.md", releaseNotes, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        var tags = Value(metadata, "tags").Split(' ');
        Assert.Contains("aws", tags);
        if (id == "CredentialKit")
        {
            Assert.Contains("polly", tags);
        }
        else
        {
            Assert.DoesNotContain("polly", tags); // the library's tags are its own, not every package's
        }
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_ShipsItsOwnReadmeElseTheRepositorysAndAPngIcon(string id)
    {
        using var package = packages.Open(Project(id));

        var ownReadme = Path.Combine(packages.RepositoryRoot, "src", id, "README.md");
        var expected = File.ReadAllText(File.Exists(ownReadme) ? ownReadme : Path.Combine(packages.RepositoryRoot, "README.md"));
        Assert.Equal(expected.ReplaceLineEndings("\n"), Read(package, "README.md").ReplaceLineEndings("\n"));
        using var icon = package.GetEntry("icon.png")!.Open();
        var header = new byte[8];
        icon.ReadExactly(header);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, header);
    }

    [Fact]
    public void CredentialKitReadme_ShowsTheTimelineAsPngNotSvg()
    {
        using var package = packages.Open(Project("CredentialKit"));

        var readme = Read(package, "README.md");

        Assert.Contains("/docs/refresh-timeline.png", readme, StringComparison.Ordinal); // nuget.org renders no SVG
        Assert.DoesNotContain(".svg", readme, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(packages.RepositoryRoot, "docs", "refresh-timeline.png")));
    }

    [Theory]
    [MemberData(nameof(LibraryPackages))]
    public void Package_HasAssemblyAndXmlDocsForEveryTargetFramework(string id)
    {
        using var package = packages.Open(Project(id));

        var frameworks = Frameworks(package);
        Assert.NotEmpty(frameworks);
        foreach (var tfm in frameworks)
        {
            Assert.NotNull(package.GetEntry($"lib/{tfm}/{id}.dll"));
            var docs = XDocument.Parse(Read(package, $"lib/{tfm}/{id}.xml"));
            Assert.Equal(id, docs.Root?.Element("assembly")?.Element("name")?.Value);
            Assert.NotEmpty(docs.Root!.Element("members")!.Elements("member"));
        }
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Symbols_MapEverySourceFileToTheRepositoryWithSourceLink(string id)
    {
        using var package = packages.Open(Project(id));
        using var symbols = packages.Open(Project(id), symbols: true);

        foreach (var tfm in Frameworks(package))
        {
            using var pdb = new MemoryStream();
            using (var entry = symbols.GetEntry($"lib/{tfm}/{id}.pdb")!.Open())
            {
                entry.CopyTo(pdb);
            }

            pdb.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
            var reader = provider.GetMetadataReader();
            var sourceLink = reader.CustomDebugInformation
                .Select(reader.GetCustomDebugInformation)
                .Where(info => reader.GetGuid(info.Kind) == SourceLinkKind)
                .Select(info => Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value)))
                .Single();
            Assert.Matches(@"""https://raw\.githubusercontent\.com/credentialkit/credentialkit/[0-9a-f]{40}/\*""", sourceLink);
        }
    }

    [Theory]
    [MemberData(nameof(LibraryPackages))]
    public void Dependencies_OneGroupPerFrameworkOnThatFrameworksMicrosoftExtensionsLine(string id)
    {
        using var package = packages.Open(Project(id));
        var groups = Element(Metadata(package), "dependencies").Elements().Where(e => e.Name.LocalName == "group").ToList();

        Assert.Equal(Frameworks(package).Order(), groups.Select(g => Tfm(g.Attribute("targetFramework")!.Value)).Order());
        foreach (var group in groups)
        {
            // CredentialKit.Redis is the exception: StackExchange.Redis 3.x needs the 10.0.x line on net8.0 as well.
            var major = Tfm(group.Attribute("targetFramework")!.Value) == "net8.0" && id != "CredentialKit.Redis" ? "8." : "10.";
            var extensions = group.Elements()
                .Where(d => d.Attribute("id")!.Value.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
                .Select(d => (Id: d.Attribute("id")!.Value, Version: d.Attribute("version")!.Value))
                .ToList();
            Assert.All(extensions, d => Assert.True(d.Version.StartsWith(major, StringComparison.Ordinal), $"{id} {group.Attribute("targetFramework")!.Value}: {d.Id} {d.Version}"));
            Assert.DoesNotContain(extensions, d => d.Id is "Microsoft.Extensions.Options.DataAnnotations" or "Microsoft.Extensions.Logging.Console");
        }
    }

    [Fact]
    public void CredentialKit_DependsOnTheAwsSdkClientRegistration()
    {
        using var package = packages.Open(Project("CredentialKit"));

        var ids = Element(Metadata(package), "dependencies").Descendants().Select(d => d.Attribute("id")?.Value).ToList();

        Assert.Contains("AWSSDK.Extensions.NETCore.Setup", ids);
        Assert.Contains("AWSSDK.SecurityToken", ids);
    }

    private static string Tfm(string nuspecFramework) => nuspecFramework switch
    {
        "net8.0" => "net8.0",
        "net10.0" => "net10.0",
        _ => nuspecFramework.ToLowerInvariant(),
    };

    private static IReadOnlyList<string> Frameworks(ZipArchive package) =>
        package.Entries.Where(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.Ordinal))
            .Select(e => e.FullName.Split('/')[1]).Distinct().ToList();

    private static XElement Metadata(ZipArchive package)
    {
        var nuspec = XDocument.Parse(Read(package, package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).FullName));
        return nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement Element(XElement parent, string name) => parent.Elements().Single(e => e.Name.LocalName == name);

    private static string Value(XElement parent, string name) => Element(parent, name).Value;

    private static string Read(ZipArchive package, string path)
    {
        using var reader = new StreamReader(package.GetEntry(path)!.Open());
        return reader.ReadToEnd();
    }

    private string Project(string id) => packages.Projects.Single(p => Path.GetFileNameWithoutExtension(p) == id);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CredentialKit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No CredentialKit.sln above the test binaries.");
    }
}
