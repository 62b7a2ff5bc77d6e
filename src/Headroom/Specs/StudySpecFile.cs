namespace Headroom.Specs;

// The shape of headroom.yaml as YamlDotNet reads it (mutable, strings as written); StudySpecReader validates it
// into a StudySpec. Unknown keys are errors, so a typo never silently falls back to a default.
#pragma warning disable CA1812, CA2227, CA1002 // instantiated and filled by YamlDotNet
internal sealed class StudySpecFile
{
    public string? Name { get; set; }
    public TargetFile? Target { get; set; }
    public string? Load { get; set; }
    public string? Expect { get; set; }
    public List<string>? Limits { get; set; }
    public List<object>? KnobSets { get; set; }
    public string? Floor { get; set; }
    public int? Repeats { get; set; }
    public string? Resolution { get; set; }
    public int? Confirm { get; set; }
    public double? Healthy { get; set; }
    public double? Margin { get; set; }
    public string? Min { get; set; }
    public string? Max { get; set; }
    public string? Runtime { get; set; }
    public bool? Warm { get; set; }
    public LivenessFile? Liveness { get; set; }
    public string? LoadTimeout { get; set; }
}

// liveness: { url: URL or none, timing: PERIOD/TIMEOUT/FAILURES or kubernetes }, as --liveness and --liveness-timing.
internal sealed class LivenessFile
{
    public string? Url { get; set; }
    public string? Timing { get; set; }
}

internal sealed class TargetFile
{
    // A string (split like a shell) or a list of words.
    public object? Command { get; set; }
    public List<string>? Args { get; set; }
    public List<string>? Files { get; set; }
    public string? Image { get; set; }
    public Dictionary<string, string>? Env { get; set; }
    public List<int>? Ports { get; set; }
    public string? Ready { get; set; }
    public string? Stats { get; set; }
    public TokenFile? Token { get; set; }
}

internal sealed class TokenFile
{
    public string? Url { get; set; }
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? Field { get; set; }
}
#pragma warning restore CA1812, CA2227, CA1002
