using System.Text.Json;
using System.Text.Json.Serialization;
using Headroom.Memory;

namespace Headroom.Trials;

/// <summary>
/// A trial saved in a folder: <c>trial.json</c> (the result without its samples) and <c>samples.jsonl</c>
/// (one sample a line, for charting memory over time against the limit).
/// </summary>
public static class TrialFiles
{
    public const string ResultFile = "trial.json";
    public const string SamplesFile = "samples.jsonl";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static async Task SaveAsync(string folder, TrialResult result, CancellationToken cancellationToken)
    {
        OutputPaths.RefuseKernelFileSystems(folder);
        try
        {
            Directory.CreateDirectory(folder);
            var withoutSamples = result with { Details = result.Details with { Samples = [] } };
            await File.WriteAllTextAsync(Path.Combine(folder, ResultFile), JsonSerializer.Serialize(withoutSamples, Json), cancellationToken);
            await SampleSeries.WriteAsync(Path.Combine(folder, SamplesFile), result.Details.Samples, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFolderException($"cannot write the trial's files to {folder}: {OutputFolderException.Reason(e)}", e);
        }
    }
}
