using Headroom.Specs;

namespace Headroom.Targets;

/// <summary>
/// A bundled sample of the article's sales-api (the C# one or its Go twin): built when needed, then started by the
/// command it returns. <see cref="SalesApiTarget"/> runs either the same way.
/// </summary>
public interface ISampleBuild
{
    /// <summary>The name <c>--target</c> takes: <c>sales-api</c> or <c>go</c>.</summary>
    string Name { get; }

    /// <summary>The sample's runtime, which picks the knob preset (<c>dotnet</c>, <c>go</c>).</summary>
    TargetRuntime Runtime { get; }

    /// <summary>Builds the sample if it is missing or stale and returns the command that starts it.</summary>
    Task<IReadOnlyList<string>> EnsureCommandAsync(IProgress<string>? progress, CancellationToken cancellationToken);
}
