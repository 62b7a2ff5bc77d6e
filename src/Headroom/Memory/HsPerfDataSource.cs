using System.Globalization;
using Headroom.Memory.Runtime;

namespace Headroom.Memory;

/// <summary>
/// A JVM's figures without an agent or endpoint: HotSpot's perf counters in <c>/tmp/hsperfdata_&lt;user&gt;/&lt;pid&gt;</c>,
/// found for any process of the trial (<paramref name="pids"/>) and read at each interval. A target that is no JVM,
/// or one started with <c>-XX:-UsePerfData</c>, has no such file and gives nothing.
/// </summary>
public sealed class HsPerfDataSource(Func<IReadOnlyList<int>> pids, TimeSpan interval, string temp = "/tmp") : IRuntimeFiguresSource
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private string? _file;

    public RuntimeFigures? Latest { get; private set; }

    public Task<RuntimeFigures?> ReadNowAsync(CancellationToken cancellationToken) => Task.FromResult(Read() ?? Latest);

    public void Start(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        _loop = Task.Run(async () =>
        {
            using (linked)
            {
                using var timer = new PeriodicTimer(interval);
                try
                {
                    do
                    {
                        Latest = Read() ?? Latest;
                    }
                    while (await timer.WaitForNextTickAsync(linked.Token));
                }
                catch (OperationCanceledException)
                {
                }
            }
        }, CancellationToken.None);
    }

    private RuntimeFigures? Read()
    {
        _file ??= Find();
        if (_file is null)
        {
            return null;
        }
        try
        {
            var counters = HsPerfData.Parse(ReadUnlocked(_file));
            return counters is null ? null : HsPerfData.ToFigures(counters);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The JVM exited and removed its file; a restarted one has another pid.
            _file = null;
            return null;
        }
    }

    /// <summary>
    /// HotSpot holds a lock on its perf data file, and .NET's FileStream takes a shared advisory lock of its own on
    /// open (which then fails), so the file is read with open(2) and pread(2).
    /// </summary>
    private static byte[] ReadUnlocked(string file)
    {
        var fd = Native.LibC.Open(file, Native.LibC.ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open {file}");
        }
        try
        {
            var data = new byte[new FileInfo(file).Length];
            var read = Native.LibC.Pread(fd, data, data.Length, 0);
            return read < 0 ? throw new IOException($"cannot read {file}") : data[..(int)read];
        }
        finally
        {
            _ = Native.LibC.Close(fd);
        }
    }

    private string? Find()
    {
        IReadOnlyList<int> candidates;
        try
        {
            candidates = pids();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (candidates.Count == 0 || !Directory.Exists(temp))
        {
            return null;
        }
        foreach (var folder in Directory.EnumerateDirectories(temp, "hsperfdata_*"))
        {
            foreach (var pid in candidates)
            {
                var file = Path.Combine(folder, pid.ToString(CultureInfo.InvariantCulture));
                if (File.Exists(file))
                {
                    return file;
                }
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
    }
}
