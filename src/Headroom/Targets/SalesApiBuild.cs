using Headroom.Processes;
using Headroom.Specs;

namespace Headroom.Targets;

/// <summary>
/// Publishes the bundled sample (<c>samples/SalesApi</c>) to <c>artifacts/sales-api</c> with
/// <c>dotnet publish -c Release</c>, only when the output is missing or older than its sources.
/// </summary>
public sealed class SalesApiBuild(string repositoryRoot) : ISampleBuild
{
    private const string SampleFolder = "samples/SalesApi";
    private static readonly SemaphoreSlim s_inProcess = new(1, 1);

    public string RepositoryRoot { get; } = Path.GetFullPath(repositoryRoot);
    public string SourceDirectory => Path.Combine(RepositoryRoot, SampleFolder);
    public string OutputDirectory => Path.Combine(RepositoryRoot, "artifacts", "sales-api");
    public string DllPath => Path.Combine(OutputDirectory, "SalesApi.dll");

    public string Name => BundledSamples.SalesApi;

    public TargetRuntime Runtime => TargetRuntime.Dotnet;

    /// <summary><c>dotnet artifacts/sales-api/SalesApi.dll</c>, published first when needed.</summary>
    public async Task<IReadOnlyList<string>> EnsureCommandAsync(IProgress<string>? progress, CancellationToken cancellationToken) =>
        ["dotnet", await EnsureBuiltAsync(progress, cancellationToken)];

    /// <summary>How long <c>dotnet publish</c> may take (a cold restore and build on two cores: about a minute).</summary>
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The build for the checkout found by walking up from <paramref name="startDirectory"/>.</summary>
    /// <exception cref="UserInputException">No folder above it holds the sample.</exception>
    public static SalesApiBuild FromDirectory(string startDirectory)
    {
        if (SampleCheckout.Find(SampleFolder, startDirectory) is { } root)
        {
            return new SalesApiBuild(root);
        }
        throw new UserInputException(
            $"the bundled sample ({SampleFolder}) was not found above {startDirectory}; run headroom from its checkout, or give a command after '--'");
    }

    public bool IsUpToDate()
    {
        var dll = new FileInfo(DllPath);
        if (!dll.Exists)
        {
            return false;
        }
        var newest = new DirectoryInfo(SourceDirectory).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => !IsUnder(f.FullName, "bin") && !IsUnder(f.FullName, "obj") && !IsUnder(f.FullName, "data"))
            .Select(f => f.LastWriteTimeUtc)
            .DefaultIfEmpty(DateTime.MinValue)
            .Max();
        return dll.LastWriteTimeUtc >= newest;
    }

    private bool IsUnder(string path, string folder) =>
        path.StartsWith(Path.Combine(SourceDirectory, folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Publishes when missing or stale and returns the dll's path.</summary>
    /// <exception cref="UserInputException">The publish failed.</exception>
    public async Task<string> EnsureBuiltAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        await s_inProcess.WaitAsync(cancellationToken);
        try
        {
            if (IsUpToDate())
            {
                return DllPath;
            }
            progress?.Report($"publishing the bundled sample: dotnet publish {SampleFolder} -c Release -o artifacts/sales-api");
            var spec = new ProcessSpec("dotnet", ["publish", SourceDirectory, "-c", "Release", "-o", OutputDirectory, "-v", "q", "--nologo"])
            {
                WorkingDirectory = RepositoryRoot,
                Timeout = BuildTimeout,
            };
            var result = await ProcessRunner.RunAsync(spec, cancellationToken);
            if (!result.Succeeded)
            {
                var reason = result.TimedOut ? $"timed out after {BuildTimeout.TotalSeconds:0} s"
                    : result.StandardOutput.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.Ordinal))?.Trim() ?? $"exit code {result.ExitCode}";
                throw new UserInputException($"publishing the bundled sample failed ({spec.Display}): {reason}");
            }
            // publish leaves the dll's time at the compile time of an unchanged build; mark the output fresh.
            File.SetLastWriteTimeUtc(DllPath, DateTime.UtcNow);
            return DllPath;
        }
        finally
        {
            s_inProcess.Release();
        }
    }
}
