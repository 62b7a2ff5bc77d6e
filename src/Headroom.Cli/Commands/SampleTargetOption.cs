using System.CommandLine;
using Headroom.Targets;

namespace Headroom.Cli.Commands;

/// <summary><c>--target sales-api|go</c>: which bundled sample runs when no spec file or command names the target.</summary>
internal static class SampleTargetOption
{
    public static readonly Option<string?> Target = new("--target")
    {
        Description = $"The bundled sample to run: {BundledSamples.SalesApi} (C#, the default) or {BundledSamples.Go} (its Go twin, built with go build when needed; runtime go).",
    };

    /// <summary>The sample named by <c>--target</c>, checked; null when not given.</summary>
    /// <param name="parsed">The command line.</param>
    /// <param name="otherTarget">How the command line names a target otherwise ("-f x.yaml", "the command after '--'"), or null.</param>
    public static string? Read(ParseResult parsed, string? otherTarget)
    {
        if (parsed.GetValue(Target) is not { } name)
        {
            return null;
        }
        BundledSamples.Validate(name);
        if (otherTarget is not null)
        {
            throw new UserInputException($"--target {name} and {otherTarget} both name the target; give one of them");
        }
        if (ContainerRunnerOptions.IsDocker(parsed))
        {
            throw new UserInputException($"--target {name} runs with the local runner; with --runner docker give --image");
        }
        return name;
    }
}
