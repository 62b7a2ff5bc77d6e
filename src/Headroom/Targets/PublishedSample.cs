using Headroom.Specs;

namespace Headroom.Targets;

/// <summary>A sample that needs no build: the C# sample as the installed tool carries it, already published.</summary>
public sealed class PublishedSample(string name, TargetRuntime runtime, IReadOnlyList<string> command) : ISampleBuild
{
    public string Name => name;

    public TargetRuntime Runtime => runtime;

    public Task<IReadOnlyList<string>> EnsureCommandAsync(IProgress<string>? progress, CancellationToken cancellationToken) =>
        Task.FromResult(command);
}
