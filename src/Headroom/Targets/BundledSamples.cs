using Headroom.Specs;

namespace Headroom.Targets;

/// <summary>The bundled samples <c>--target</c> names: <c>sales-api</c> (C#, the default) and <c>go</c> (its Go twin).</summary>
public static class BundledSamples
{
    public const string SalesApi = "sales-api";
    public const string Go = "go";

    public static IReadOnlyList<string> Names { get; } = [SalesApi, Go];

    /// <summary>The name itself when it is a bundled sample.</summary>
    /// <exception cref="UserInputException">It is not one.</exception>
    public static string Validate(string name) => Names.Contains(name)
        ? name
        : throw new UserInputException($"--target '{name}' is not a bundled sample; use sales-api (the C# sample) or go (its Go twin)");

    public static TargetRuntime RuntimeOf(string name) => Validate(name) == Go ? TargetRuntime.Go : TargetRuntime.Dotnet;

    /// <summary>The study name for a sample: <c>sales-api</c> or <c>go-sales-api</c>.</summary>
    public static string StudyName(string name) => Validate(name) == Go ? "go-sales-api" : "sales-api";

    /// <summary>
    /// The sample's build in the checkout found above <paramref name="startDirectory"/> (or above the tool); else the
    /// one the installed tool ships (the C# sample published, the Go sample's sources).
    /// </summary>
    public static ISampleBuild Find(string name, string startDirectory)
    {
        if (Validate(name) == Go)
        {
            return GoSampleBuild.FromDirectory(startDirectory);
        }
        if (SampleCheckout.Find("samples/SalesApi", startDirectory) is null && PackagedSamples.SalesApiDll is { } dll)
        {
            return new PublishedSample(SalesApi, TargetRuntime.Dotnet, ["dotnet", dll]);
        }
        return SalesApiBuild.FromDirectory(startDirectory);
    }
}
