using System.Globalization;
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
    private StudyFolderLock? _lock;
    private bool _tailChecked;

    private StudyFolder(string path, List<TrialRecord> records)
    {
        Path = path;
        _records = records;
    }

    public string Path { get; }

    public IReadOnlyList<TrialRecord> Records => _records;

    public string ResultsPath => System.IO.Path.Combine(Path, ResultsFile);

    /// <summary>Opens (creating it if needed) a folder and reads the trials already recorded there.</summary>
    /// <exception cref="UserInputException">The results file holds a line that is not a trial record (other than a
    /// last line cut short), or the same trial twice.</exception>
    /// <exception cref="OutputFolderException">The folder cannot be created or read.</exception>
    public static StudyFolder Open(string path)
    {
        OutputPaths.RefuseKernelFileSystems(path);
        OutputFolderException.Guard(path, "create the study folder", () => Directory.CreateDirectory(path));
        var results = System.IO.Path.Combine(path, ResultsFile);
        var records = new List<TrialRecord>();
        if (File.Exists(results))
        {
            var lines = OutputFolderException.Guard(results, "read", () => File.ReadAllLines(results));
            var seen = new Dictionary<(string, int), int>();
            for (var i = 0; i < lines.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(lines[i]))
                {
                    continue;
                }
                TrialRecord record;
                try
                {
                    record = JsonSerializer.Deserialize<TrialRecord>(lines[i], StudyJson.Lines) ?? throw new JsonException("null record");
                }
                catch (JsonException) when (i == lines.Length - 1)
                {
                    // A line cut short by a kill or a full disk during the write: that trial is run again, and the
                    // next append cuts the fragment off first (see Append).
                    continue;
                }
                catch (JsonException e)
                {
                    throw new UserInputException($"{results} line {i + 1} is not a trial record ({Shorten(e.Message)}); move the file away to start afresh");
                }
                if (seen.TryGetValue((record.Phase, record.Index), out var first))
                {
                    throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                        $"{results} line {i + 1} records {record.Phase} trial {record.Index + 1} again (first on line {first}): two runs wrote to this folder; its figures cannot be trusted, run the study afresh"));
                }
                seen[(record.Phase, record.Index)] = i + 1;
                records.Add(record);
            }
        }
        return new StudyFolder(path, records);
    }

    /// <summary>
    /// Takes the folder's exclusive lock for this run (see <see cref="StudyFolderLock"/>), or null when this
    /// <see cref="StudyFolder"/> holds it already; dispose it at the end of the run.
    /// </summary>
    /// <exception cref="UserInputException">Another run holds it; the message names its pid.</exception>
    public IDisposable? Lock()
    {
        if (_lock is not null)
        {
            return null;
        }
        _lock = StudyFolderLock.Take(Path);
        return new Release(this);
    }

    /// <summary>
    /// A study's name as a file name: letters, digits, '.', '_' and '-' kept, anything else (a '/', "..", spaces)
    /// turned into '-', at most 64 characters, never starting with '.' or '-'; "study" when nothing is left.
    /// </summary>
    public static string SafeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var safe = new StringBuilder(Math.Min(name.Length, MaxNameLength));
        foreach (var c in name)
        {
            if (safe.Length == MaxNameLength)
            {
                break;
            }
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '-');
        }
        var trimmed = safe.ToString().TrimStart('.', '-').Replace("..", "-", StringComparison.Ordinal);
        return trimmed.Length == 0 ? "study" : trimmed;
    }

    private const int MaxNameLength = 64;

    /// <summary>
    /// Removes a folder this run created when no trial was recorded in it: only the files a run writes before its
    /// first trial (the plan and the lock) may be there, anything else keeps it.
    /// </summary>
    public static void RemoveUnused(string path)
    {
        try
        {
            var files = Directory.EnumerateFileSystemEntries(path).Select(System.IO.Path.GetFileName).ToList();
            if (files.All(f => f is PlanFile or StudyFolderLock.LockFile or StudyFolderLock.OwnerFile))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left as it is: an empty folder is untidy, not wrong.
        }
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

    /// <summary>
    /// Appends a record and flushes it to disk. A fragment a killed write left at the end is cut off first (or, when it
    /// is a whole record missing only its newline, ended), so that a record never lands after a fragment. When the
    /// write fails (a full disk), the file is cut back to its last complete record and the error names the folder.
    /// </summary>
    /// <exception cref="OutputFolderException">The results file cannot be written.</exception>
    public void Append(TrialRecord record)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, StudyJson.Lines) + "\n");
        OutputFolderException.Guard(ResultsPath, "append to", () =>
        {
            using var stream = new FileStream(ResultsPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            // Only the first append of a run can find a fragment: later ones follow this process's own whole lines.
            var complete = _tailChecked ? (Length: stream.Length, NeedsNewline: false) : CompleteLength(stream);
            _tailChecked = false;
            try
            {
                stream.Position = complete.Length;
                if (complete.NeedsNewline)
                {
                    stream.WriteByte((byte)'\n');
                }
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
                _tailChecked = true;
            }
            catch (IOException)
            {
                TryCutBack(stream, complete.Length + (complete.NeedsNewline ? 1 : 0));
                throw;
            }
        });
        _records.Add(record);
    }

    /// <summary>Where the complete records end: after the last newline, or at the end when the last line is a whole record.</summary>
    private static (long Length, bool NeedsNewline) CompleteLength(FileStream stream)
    {
        var length = stream.Length;
        if (length == 0)
        {
            return (0, false);
        }
        // The results of a study are kilobytes; the tail after the last newline is at most one record.
        var content = new byte[length];
        stream.Position = 0;
        stream.ReadExactly(content);
        var lastNewline = Array.LastIndexOf(content, (byte)'\n');
        var tail = content.AsSpan(lastNewline + 1);
        if (tail.IsEmpty)
        {
            return (length, false);
        }
        try
        {
            if (JsonSerializer.Deserialize<TrialRecord>(tail, StudyJson.Lines) is not null)
            {
                return (length, true);
            }
        }
        catch (JsonException)
        {
        }
        stream.SetLength(lastNewline + 1);
        return (lastNewline + 1, false);
    }

    private static void TryCutBack(FileStream stream, long length)
    {
        try
        {
            stream.SetLength(length);
        }
        catch (IOException)
        {
            // The fragment stays; the next Open skips it and the next Append cuts it off.
        }
    }

    private static string Shorten(string message) => message.Length <= 200 ? message : message[..200] + "...";

    private sealed class Release(StudyFolder folder) : IDisposable
    {
        public void Dispose()
        {
            folder._lock?.Dispose();
            folder._lock = null;
        }
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

    /// <summary>The curve's need at the peak that <c>study --peak-concurrency</c> wrote (<see cref="PeakNeed.FileName"/>), or null.</summary>
    public PeakNeed? ReadPeakNeed()
    {
        var path = System.IO.Path.Combine(Path, PeakNeed.FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<PeakNeed>(File.ReadAllText(path), StudyJson.Options);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not a curve's need at the peak ({e.Message}); delete it to recommend from the healthy edge");
        }
    }

    /// <exception cref="OutputFolderException">The file cannot be written.</exception>
    public void WriteJson<T>(string fileName, T value)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        var temporary = path + ".tmp";
        OutputFolderException.Guard(path, "write", () =>
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(value, StudyJson.Options));
            File.Move(temporary, path, overwrite: true);
        });
    }

    /// <exception cref="OutputFolderException">The file cannot be written.</exception>
    public void WriteText(string fileName, string text)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        OutputFolderException.Guard(path, "write", () => File.WriteAllText(path, text));
    }
}
