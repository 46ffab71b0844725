using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace CredentialKit.Benchmarks.Infrastructure;

/// <summary>
/// One short job for every BenchmarkDotNet suite, run in-process: the suites share a LocalSts server with the host
/// process (the SDK's assume-role credentials find it through an environment variable), and a short job keeps a suite to
/// a few minutes on a 2-core machine.
/// </summary>
internal static class BenchConfig
{
    public static IConfig Create(string artifactsPath) => ManualConfig.CreateEmpty()
        .AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(4)
            .WithIterationCount(12)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Short"))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .AddColumn(StatisticColumn.P95)
        .AddLogger(ConsoleLogger.Default)
        .AddExporter(MarkdownExporter.GitHub)
        .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend))
        .WithArtifactsPath(artifactsPath)
        .WithOptions(ConfigOptions.DisableLogFile);
}
