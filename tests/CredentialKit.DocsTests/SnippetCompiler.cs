using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CredentialKit.DocsTests;

/// <summary>
/// Compiles one docs snippet as a program of its own (top-level statements and any types after them), against the
/// assemblies this test runs with: the CredentialKit packages and the packages the snippets name.
/// </summary>
/// <remarks>
/// The convention a snippet is written to (docs/contributing-docs.md): the namespaces in <see cref="GlobalUsings"/> are
/// imported, and the names of <see cref="DocsAmbient"/> (<c>builder</c>, <c>ct</c>, <c>o</c>, …) exist.
/// </remarks>
public static class SnippetCompiler
{
    /// <summary>The namespaces every snippet may use without a <c>using</c> line.</summary>
    public static readonly string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Amazon;
        global using Amazon.Runtime;
        global using Amazon.S3;
        global using Amazon.SecurityToken;
        global using CredentialKit;
        global using CredentialKit.LocalSts;
        global using CredentialKit.Redis;
        global using Microsoft.AspNetCore.DataProtection;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        global using Microsoft.Extensions.Time.Testing;
        global using static CredentialKit.DocsTests.DocsAmbient;
        """;

    /// <summary>A program with only types and no statements has no entry point; that is fine for a snippet.</summary>
    private static readonly HashSet<string> Ignored = ["CS5001"];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    /// <summary>Compiles <paramref name="snippet"/> and returns its errors (and warnings), each naming its page line.</summary>
    public static IReadOnlyList<string> Compile(MarkdownSnippet snippet)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var code = CSharpSyntaxTree.ParseText(snippet.Code, parse, path: snippet.File);
        var usings = CSharpSyntaxTree.ParseText(GlobalUsings, parse, path: "GlobalUsings.cs");
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [usings, code],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    // A snippet shows one call and may leave what it declares unused.
                    ["CS0168"] = ReportDiagnostic.Suppress,
                    ["CS0219"] = ReportDiagnostic.Suppress,
                    ["CS8321"] = ReportDiagnostic.Suppress,
                    // A snippet's type may take a parameter only to show where it comes from.
                    ["CS9113"] = ReportDiagnostic.Suppress,
                    // Package assemblies built against older framework versions, unified as the runtime does.
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                    // Unused usings are the convention's, not the snippet's.
                    ["CS8019"] = ReportDiagnostic.Suppress,
                    ["CS8933"] = ReportDiagnostic.Suppress,
                }));

        return compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !Ignored.Contains(d.Id))
            .Where(d => d.Location.SourceTree != usings || d.Severity == DiagnosticSeverity.Error)
            .Select(d => Describe(snippet, d))
            .ToList();
    }

    private static string Describe(MarkdownSnippet snippet, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var where = diagnostic.Location.SourceTree?.FilePath == snippet.File
            ? $"{snippet.File}:{snippet.Line + span.StartLinePosition.Line}"
            : span.Path;
        return $"{where}: {diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static List<MetadataReference> LoadReferences()
    {
        // The test host's trusted platform assemblies are the framework plus every assembly of this project's deps.json:
        // the real packages, at the versions the solution pins.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => (MetadataReference)MetadataReference.CreateFromFile(g.First()))
            .ToList();
    }
}
