using System.Reflection;

namespace CredentialKit.Tests.PublicApi;

/// <summary>
/// Guards the public surface: a change to it fails this test until the approved snapshot is updated on purpose.
/// To accept a change, copy the written <c>*.received.txt</c> over the <c>*.approved.txt</c> next to this file.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void CredentialKit_PublicApi_MatchesApprovedSnapshot() => Verify(typeof(ICredentialProvider).Assembly, "CredentialKit");

    private static void Verify(Assembly assembly, string name)
    {
        // Found from the test binaries upwards (not CallerFilePath: deterministic CI builds map source paths away).
        var directory = Path.Combine(RepositoryRoot(), "tests", "CredentialKit.Tests", "PublicApi");
        var approvedPath = Path.Combine(directory, $"{name}.approved.txt");
        var receivedPath = Path.Combine(directory, $"{name}.received.txt");
        var actual = PublicApiText.For(assembly);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (actual == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        var added = actual.Split('\n').Except(approved.Split('\n')).Take(20);
        var removed = approved.Split('\n').Except(actual.Split('\n')).Take(20);
        Assert.Fail(
            $"The public API of {name} changed. If intended, copy {receivedPath} over {approvedPath}.\n" +
            $"Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CredentialKit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CredentialKit.sln above {AppContext.BaseDirectory}.");
    }
}
