using System.Text.Json;
using Headroom.Targets;

namespace Headroom.Runners.Local;

/// <summary>
/// The files a cold start evicts, i.e. what a container image would bring: what the command names
/// (<see cref="CommandFiles"/>), what the user adds (<c>--files</c>, folders recursively), every regular file the
/// trial's processes were seen to map or hold open (<see cref="CgroupFileWatcher"/>), and the install folders of the
/// runtimes they map (<see cref="RuntimeInstallTrees"/>). The seen files are kept in <c>cold-set.json</c> of the study
/// folder, so a resumed study evicts the same set. Thread-safe: the watcher adds while the trial runs.
/// </summary>
public sealed class ColdSet
{
    public const string FileName = "cold-set.json";

    /// <summary>The purpose of the unlimited start without load that finds the set before the first trial.</summary>
    public const string DiscoveryPurpose = "discovery";

    private readonly Lock _lock = new();
    private readonly SortedSet<string> _seen = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _executables = new(StringComparer.Ordinal);
    private IReadOnlyList<string>? _treeFiles;
    private int _savedCount = -1;

    /// <summary>Where the set is kept (null: not kept, as for a single <c>run</c> without a folder).</summary>
    public string? StorePath { get; private set; }

    /// <summary>True once a trial's processes were seen (or a stored set was read).</summary>
    public bool HasSeen
    {
        get
        {
            lock (_lock)
            {
                return _seen.Count > 0;
            }
        }
    }

    /// <summary>Keeps the set in <paramref name="path"/>, first reading what is stored there.</summary>
    public void KeepIn(string path)
    {
        StorePath = path;
        if (!File.Exists(path))
        {
            return;
        }
        try
        {
            var stored = JsonSerializer.Deserialize<StoredColdSet>(File.ReadAllText(path), s_json) ?? throw new JsonException("empty");
            lock (_lock)
            {
                _seen.UnionWith(stored.Files);
                _executables.UnionWith(stored.Executables);
                _treeFiles = null;
                _savedCount = _seen.Count + _executables.Count;
            }
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not a cold set ({e.Message}); move it away to find the set again");
        }
    }

    /// <summary>Adds what one process maps and holds open; true when anything was new.</summary>
    public bool Add(ProcessFiles files)
    {
        lock (_lock)
        {
            var added = files.Executable is { } exe && _executables.Add(exe);
            foreach (var file in files.Files)
            {
                if (_seen.Add(file))
                {
                    added = true;
                    if (Path.GetFileName(file) is "libjvm.so" or "libcoreclr.so" || file.Contains("/lib-dynload/", StringComparison.Ordinal))
                    {
                        _treeFiles = null;
                    }
                }
            }
            return added;
        }
    }

    /// <summary>The runtime the seen processes show (see <see cref="RuntimeDetection"/>).</summary>
    public DetectedRuntime Runtime
    {
        get
        {
            lock (_lock)
            {
                return RuntimeDetection.Detect([.. _executables], [.. _seen]);
            }
        }
    }

    public IReadOnlyList<string> InstallTrees
    {
        get
        {
            lock (_lock)
            {
                return RuntimeInstallTrees.For(_seen);
            }
        }
    }

    /// <summary>Everything to evict before a start of <paramref name="launch"/>.</summary>
    public IReadOnlyList<string> FilesFor(TargetLaunch launch)
    {
        IReadOnlyList<string> trees;
        List<string> seen;
        lock (_lock)
        {
            seen = [.. _seen];
            trees = _treeFiles ??= [.. RuntimeInstallTrees.FilesUnder(RuntimeInstallTrees.For(_seen))];
        }
        var given = launch.Files.SelectMany(f => Directory.Exists(f)
            ? Directory.EnumerateFiles(f, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            : [f]);
        return [.. CommandFiles.For(launch.Command, launch.WorkingDirectory).Concat(given).Concat(seen.Where(File.Exists)).Concat(trees)
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Writes the set to <see cref="StorePath"/> when it grew since it was last written.</summary>
    public void Save()
    {
        if (StorePath is null)
        {
            return;
        }
        StoredColdSet stored;
        lock (_lock)
        {
            if (_seen.Count + _executables.Count == _savedCount)
            {
                return;
            }
            _savedCount = _seen.Count + _executables.Count;
            stored = new StoredColdSet(RuntimeDetection.Detect([.. _executables], [.. _seen]).Describe(), RuntimeInstallTrees.For(_seen), [.. _executables], [.. _seen]);
        }
        var temporary = StorePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(stored, s_json));
        File.Move(temporary, StorePath, overwrite: true);
    }

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>cold-set.json: the runtime and install folders are written for people; the files are what is read back.</summary>
    private sealed record StoredColdSet(string Runtime, IReadOnlyList<string> InstallTrees, IReadOnlyList<string> Executables, IReadOnlyList<string> Files);
}
