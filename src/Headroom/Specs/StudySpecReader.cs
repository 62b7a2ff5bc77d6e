using System.Globalization;
using System.Text.RegularExpressions;
using Headroom.Knobs;
using Headroom.Limits;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Headroom.Specs;

/// <summary>
/// Reads <c>headroom.yaml</c> into a <see cref="StudySpec"/>. Every mistake is a one-line
/// <see cref="UserInputException"/> naming the file, the line where YAML knows it, and what to write instead.
/// </summary>
public static partial class StudySpecReader
{
    [GeneratedRegex("Property '(?<key>[^']+)' not found on type '(?<type>[^']+)'")]
    private static partial Regex UnknownProperty();

    /// <summary>A spec is a screenful; anything near this is not one (and would be held in memory whole).</summary>
    public const int MaxSpecBytes = 1024 * 1024;

    public static StudySpec ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"spec file '{path}' not found; pass an existing headroom.yaml with -f");
        }
        var length = new FileInfo(path).Length;
        if (length > MaxSpecBytes)
        {
            throw new UserInputException($"spec file '{path}' is {length} bytes; a headroom.yaml is a few kilobytes (at most {MaxSpecBytes / 1024} KiB), check the path");
        }
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    public static StudySpec Parse(string yaml, string source = "headroom.yaml")
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        StudySpecFile file;
        try
        {
            file = deserializer.Deserialize<StudySpecFile?>(yaml) ?? new StudySpecFile();
        }
        catch (YamlException e)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{source} line {e.Start.Line}");
            var innermost = e.InnerException?.Message ?? e.Message;
            var unknown = UnknownProperty().Match(e.Message + " " + innermost);
            throw unknown.Success
                ? new UserInputException($"{where}: unknown key '{unknown.Groups["key"].Value}'; see the keys in the README's headroom.yaml example")
                : new UserInputException($"{where}: {FirstLine(innermost)}");
        }
        return Validate(file, source);
    }

    private static StudySpec Validate(StudySpecFile file, string source)
    {
        var custom = new List<KnobSet>();
        var knobSets = (file.KnobSets ?? []).Select(entry => KnobSetEntry(entry, source, custom)).ToList();
        var runtime = file.Runtime is null ? (TargetRuntime?)null : TargetRuntimes.Parse(file.Runtime);
        var spec = new StudySpec
        {
            Name = string.IsNullOrWhiteSpace(file.Name) ? "study" : file.Name.Trim(),
            Target = Target(file.Target, source),
            Load = string.IsNullOrWhiteSpace(file.Load) ? StudySpec.DefaultLoad : file.Load.Trim(),
            Expect = file.Expect is null ? null : Load.ExpectedStatuses.Parse(file.Expect, $"{source}: expect").Text,
            Limits = (file.Limits ?? []).Select((l, i) => Quantity(l, $"{source}: limits[{i}]")).ToList(),
            KnobSets = knobSets,
            FloorKnobs = file.Floor is null ? null : Resolve(file.Floor, custom),
            Repeats = file.Repeats ?? Experiments.MatrixOptions.DefaultRepeats,
            Resolution = file.Resolution is null ? Experiments.EdgeSearchOptions.DefaultResolution : Quantity(file.Resolution, $"{source}: resolution"),
            Confirm = file.Confirm ?? Experiments.EdgeSearchOptions.DefaultConfirm,
            Healthy = file.Healthy ?? Experiments.EdgeSearchOptions.DefaultHealthy,
            Margin = file.Margin ?? StudySpec.DefaultMargin,
            Min = file.Min is null ? null : Quantity(file.Min, $"{source}: min"),
            Max = file.Max is null ? null : Quantity(file.Max, $"{source}: max"),
            Runtime = runtime,
            Warm = file.Warm == true ? true : null,
            Liveness = file.Liveness is { } live ? Runners.Trial.LivenessSettings.Parse(live.Url, live.Timing, $"{source}: liveness") : null,
            LoadTimeout = file.LoadTimeout is { } bound ? Runners.Trial.TrialBounds.ParseLoadTimeout(bound, $"{source}: loadTimeout") : null,
        };
        // Checked here first so that the error names the spec's key, not a command-line flag.
        if (spec.Repeats is < 1 or > Experiments.MatrixOptions.MaxRepeats)
        {
            throw new UserInputException($"{source}: repeats must be from 1 to {Experiments.MatrixOptions.MaxRepeats} (got {spec.Repeats})");
        }
        if (spec.Confirm < 1 || spec.Confirm >= Experiments.EdgeSearchOptions.DefaultMaxTrials)
        {
            throw new UserInputException($"{source}: confirm must be from 1 to {Experiments.EdgeSearchOptions.DefaultMaxTrials - 1} (got {spec.Confirm})");
        }
        if (!double.IsFinite(spec.Healthy) || spec.Healthy is <= 0 or > 1)
        {
            throw new UserInputException($"{source}: healthy must be a fraction in (0, 1], e.g. 0.9 (got {Invariant(spec.Healthy)})");
        }
        if (!double.IsFinite(spec.Margin) || spec.Margin is < 0 or > 10)
        {
            throw new UserInputException($"{source}: margin must be a fraction such as 0.25 (got {Invariant(spec.Margin)})");
        }
        if (spec.Min is { } min && spec.Max is { } max && min >= max)
        {
            throw new UserInputException($"{source}: min {min} must be below max {max}");
        }
        foreach (var port in spec.Target.Ports.Where(p => p is < 1 or > 65535))
        {
            throw new UserInputException($"{source}: target.ports must be TCP ports from 1 to 65535 (got {port})");
        }
        spec.EdgeOptions().Validate();
        spec.MatrixOptions().Validate();
        return spec;
    }

    private static TargetSpec Target(TargetFile? target, string source)
    {
        if (target is null)
        {
            return new TargetSpec();
        }
        if (target.Command is null == target.Image is null)
        {
            throw new UserInputException($"{source}: target needs exactly one of 'command' or 'image'");
        }
        TokenStep? token = null;
        if (target.Token is { } t)
        {
            if (string.IsNullOrWhiteSpace(t.Url))
            {
                throw new UserInputException($"{source}: target.token needs a 'url'");
            }
            token = new TokenStep(t.Url, t.User, t.Password, string.IsNullOrWhiteSpace(t.Field) ? "token" : t.Field);
        }
        var (command, args) = SpecCommand.Read(target.Command, target.Args, source);
        return new TargetSpec
        {
            Command = command,
            Args = args,
            Files = target.Files is { Count: > 0 } files ? files : null,
            Image = target.Image,
            Env = target.Env ?? [],
            Ports = target.Ports ?? [],
            ReadyUrl = target.Ready,
            StatsUrl = target.Stats,
            Token = token,
        };
    }

    private static KnobSet KnobSetEntry(object entry, string source, List<KnobSet> custom)
    {
        switch (entry)
        {
            case string name:
                return Resolve(name, custom);
            case Dictionary<object, object> map:
                var keys = map.Keys.Select(k => k.ToString()).ToList();
                var unknown = keys.FirstOrDefault(k => k is not ("name" or "env"));
                if (unknown is not null)
                {
                    throw new UserInputException($"{source}: unknown key '{unknown}' in a knob set; a custom knob set has 'name' and 'env'");
                }
                if (!map.TryGetValue("name", out var n) || n is not string setName || string.IsNullOrWhiteSpace(setName))
                {
                    throw new UserInputException($"{source}: a custom knob set needs a 'name'");
                }
                if (!map.TryGetValue("env", out var e) || e is not Dictionary<object, object> env || env.Count == 0)
                {
                    throw new UserInputException($"{source}: knob set '{setName}' needs an 'env' map, e.g. env: {{ GOMEMLIMIT: \"{{limit}}\" }}");
                }
                var variables = env.ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal);
                foreach (var (key, value) in variables.Where(kv => !KnobTemplate.IsValid(kv.Value)))
                {
                    throw new UserInputException(
                        $"{source}: knob set '{setName}': {key}='{value}' has an unknown placeholder; use {{limit}}, {{limit:hex}}, {{limit:mib}} or {{limit*0.9}}");
                }
                var set = new KnobSet(setName.Trim(), variables);
                custom.Add(set);
                return set;
            default:
                throw new UserInputException($"{source}: a knob set is a preset name or a map with 'name' and 'env'");
        }
    }

    private static KnobSet Resolve(string name, List<KnobSet> custom) =>
        custom.FirstOrDefault(k => k.Name == name.Trim()) ?? KnobPresets.Get(name.Trim());

    private static MemoryQuantity Quantity(string text, string what) => MemoryQuantity.Parse(text, what);

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
