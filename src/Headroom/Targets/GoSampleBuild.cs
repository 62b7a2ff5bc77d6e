using Headroom.Processes;
using Headroom.Specs;

namespace Headroom.Targets;

/// <summary>
/// Builds the Go sample with the standard library only, when the binary is missing or older than its sources: in a
/// checkout from <c>samples/go-sales-api</c> into <c>artifacts/go-sales-api/go-sales-api</c>; in the installed tool from
/// the sources it ships into the user's cache folder (<see cref="Packaged"/>).
/// </summary>
public sealed class GoSampleBuild : ISampleBuild
{
    private const string SampleFolder = "samples/go-sales-api";
    private static readonly SemaphoreSlim InProcessLock = new(1, 1);
    private readonly string _goExecutable;

    /// <param name="repositoryRoot">The checkout that holds <c>samples/go-sales-api</c>.</param>
    /// <param name="goExecutable">The Go tool to run; <c>go</c> from PATH by default.</param>
    public GoSampleBuild(string repositoryRoot, string goExecutable = "go")
        : this(Path.Combine(Path.GetFullPath(repositoryRoot), SampleFolder),
            Path.Combine(Path.GetFullPath(repositoryRoot), "artifacts", "go-sales-api", "go-sales-api"), goExecutable)
    {
    }

    private GoSampleBuild(string sourceDirectory, string binaryPath, string goExecutable)
    {
        SourceDirectory = sourceDirectory;
        BinaryPath = binaryPath;
        _goExecutable = goExecutable;
    }

    /// <summary>The sources shipped in <paramref name="sourceDirectory"/>, built into <paramref name="binaryPath"/>.</summary>
    public static GoSampleBuild Packaged(string sourceDirectory, string binaryPath, string goExecutable = "go") =>
        new(Path.GetFullPath(sourceDirectory), Path.GetFullPath(binaryPath), goExecutable);

    public string SourceDirectory { get; }

    public string BinaryPath { get; }

    public string Name => BundledSamples.Go;

    public TargetRuntime Runtime => TargetRuntime.Go;

    /// <summary>The binary itself, built first when needed.</summary>
    public async Task<IReadOnlyList<string>> EnsureCommandAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!IsUpToDate())
        {
            progress?.Report($"building the Go sample: go build -o {BinaryPath} ({SourceDirectory})");
        }
        return [await EnsureBuiltAsync(cancellationToken)];
    }

    /// <summary>How long <c>go build</c> may take; a cold build on two cores takes about 20 s.</summary>
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The build for the checkout found by walking up from <paramref name="startDirectory"/>.</summary>
    /// <exception cref="UserInputException">No folder above it holds the Go sample.</exception>
    public static GoSampleBuild FromDirectory(string startDirectory)
    {
        if (SampleCheckout.Find(Path.Combine(SampleFolder, "go.mod"), startDirectory) is { } root)
        {
            return new GoSampleBuild(root);
        }
        if (PackagedSamples.GoSources is { } sources)
        {
            return Packaged(sources, PackagedSamples.GoBinaryPath);
        }
        throw new UserInputException(
            $"the Go sample ({SampleFolder}) was not found above {startDirectory}; run headroom from its checkout");
    }

    /// <summary>True when the binary exists and is not older than any source file.</summary>
    public bool IsUpToDate()
    {
        var binary = new FileInfo(BinaryPath);
        return binary.Exists && binary.LastWriteTimeUtc >= NewestSourceWriteTimeUtc();
    }

    /// <summary>Builds the binary if it is missing or stale, and returns its path.</summary>
    /// <exception cref="UserInputException">Go is not installed, or the build failed.</exception>
    public async Task<string> EnsureBuiltAsync(CancellationToken cancellationToken)
    {
        await InProcessLock.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(BinaryPath)!);
            await using var crossProcessLock = await AcquireFileLockAsync(cancellationToken);
            if (!IsUpToDate())
            {
                await BuildAsync(cancellationToken);
            }
            return BinaryPath;
        }
        finally
        {
            InProcessLock.Release();
        }
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        // Built next to the target and renamed over it, so a running copy of the old binary is never overwritten.
        var temporary = $"{BinaryPath}.{Environment.ProcessId}.tmp";
        var spec = new ProcessSpec(_goExecutable, ["build", "-trimpath", "-o", temporary, "."])
        {
            WorkingDirectory = SourceDirectory,
            Environment = BuildEnvironment(),
            Timeout = BuildTimeout,
        };
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(spec, cancellationToken);
        }
        catch (ProcessStartException e)
        {
            throw new UserInputException(
                $"the Go toolchain ('{_goExecutable}') is not installed or not on PATH; install golang-go (apt-get install golang-go) to build the Go sample", e);
        }
        if (!result.Succeeded)
        {
            File.Delete(temporary);
            var reason = result.TimedOut
                ? $"timed out after {BuildTimeout.TotalSeconds:0} s"
                : FirstErrorLine(result.StandardError) ?? $"exit code {result.ExitCode}";
            throw new UserInputException($"building the Go sample failed ({spec.Display} in {SourceDirectory}): {reason}");
        }
        File.Move(temporary, BinaryPath, overwrite: true);
    }

    private Dictionary<string, string?> BuildEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            // Standard library only: nothing may be fetched, and no C compiler is needed.
            ["GOFLAGS"] = "-mod=mod",
            ["GOPROXY"] = "off",
            ["CGO_ENABLED"] = "0",
        };
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME"))
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("XDG_CACHE_HOME"))
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOCACHE")))
        {
            // Go refuses to build without a cache directory, and services often run without HOME.
            environment["GOCACHE"] = Path.Combine(Path.GetDirectoryName(BinaryPath)!, ".gocache");
        }
        return environment;
    }

    private DateTime NewestSourceWriteTimeUtc()
    {
        var source = new DirectoryInfo(SourceDirectory);
        if (!source.Exists)
        {
            throw new UserInputException($"the Go sample's sources are missing: {SourceDirectory}");
        }
        return source.EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Extension is ".go" || f.Name is "go.mod" or "go.sum")
            .Select(f => f.LastWriteTimeUtc)
            .DefaultIfEmpty(DateTime.MinValue)
            .Max();
    }

    private async Task<FileStream> AcquireFileLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetDirectoryName(BinaryPath)!, ".build.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another headroom process is building; its binary will be up to date when it lets go.
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    // go build prints "# package" before the first real error line.
    private static string? FirstErrorLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(line => !line.StartsWith('#'));
}
