using System.Text;
using System.Text.Json;

namespace Headroom.Experiments;

/// <summary>
/// A study's folder: <c>plan.json</c> (what the study is), <c>results.jsonl</c> (every finished trial, appended and
/// flushed to disk the moment it finishes), <c>samples/</c> (memory series the runner writes) and the reports.
/// A study interrupted at any point loses at most the trial that was running.
/// </summary>
public sealed class StudyFolder
{
    public const string PlanFile = "plan.json";
    public const string ResultsFile = "results.jsonl";
    public const string SummaryFile = "summary.json";
    public const string SamplesFolder = "samples";

    private readonly List<TrialRecord> _records;

    private StudyFolder(string path, List<TrialRecord> records)
    {
        Path = path;
        _records = records;
    }

    public string Path { get; }

    public IReadOnlyList<TrialRecord> Records => _records;

    public string ResultsPath => System.IO.Path.Combine(Path, ResultsFile);

    /// <summary>Opens (creating it if needed) a folder and reads the trials already recorded there.</summary>
    public static StudyFolder Open(string path)
    {
        Directory.CreateDirectory(path);
        var results = System.IO.Path.Combine(path, ResultsFile);
        var records = new List<TrialRecord>();
        if (File.Exists(results))
        {
            var lines = File.ReadAllLines(results);
            for (var i = 0; i < lines.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(lines[i]))
                {
                    continue;
                }
                try
                {
                    records.Add(JsonSerializer.Deserialize<TrialRecord>(lines[i], StudyJson.Lines)
                        ?? throw new JsonException("null record"));
                }
                catch (JsonException) when (i == lines.Length - 1)
                {
                    // A line cut short by a kill during the write: that trial is run again.
                }
                catch (JsonException e)
                {
                    throw new UserInputException($"{results} line {i + 1} is not a trial record ({e.Message}); move the file away to start afresh");
                }
            }
        }
        return new StudyFolder(path, records);
    }

    /// <summary>Opens a folder that must already hold a study (for <c>--resume</c> and <c>recommend --from</c>).</summary>
    public static StudyFolder OpenExisting(string path)
    {
        if (!File.Exists(System.IO.Path.Combine(path, PlanFile)))
        {
            throw new UserInputException($"'{path}' is not a study folder (no {PlanFile}); give the folder a study wrote");
        }
        return Open(path);
    }

    public TrialRecord? Find(string phase, int index) =>
        _records.FirstOrDefault(r => r.Phase == phase && r.Index == index);

    public void Append(TrialRecord record)
    {
        var line = JsonSerializer.Serialize(record, StudyJson.Lines) + "\n";
        using (var stream = new FileStream(ResultsPath, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        _records.Add(record);
    }

    public static string SamplesPath(string phase, int index) =>
        System.IO.Path.Combine(SamplesFolder, $"{phase}-{index:D3}.jsonl");

    public void WritePlan(StudyPlan plan) => WriteJson(PlanFile, plan);

    public StudyPlan ReadPlan()
    {
        var path = System.IO.Path.Combine(Path, PlanFile);
        try
        {
            return JsonSerializer.Deserialize<StudyPlan>(File.ReadAllText(path), StudyJson.Options)
                ?? throw new JsonException("empty plan");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not a study plan ({e.Message})");
        }
    }

    public void WriteJson<T>(string fileName, T value)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(value, StudyJson.Options));
        File.Move(temporary, path, overwrite: true);
    }

    public void WriteText(string fileName, string text) =>
        File.WriteAllText(System.IO.Path.Combine(Path, fileName), text);
}
