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

    public static StudySpec ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"spec file '{path}' not found; pass an existing headroom.yaml with -f");
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
        };
        spec.EdgeOptions().Validate();
        spec.MatrixOptions().Validate();
        if (spec.Margin is < 0 or > 10)
        {
            throw new UserInputException($"{source}: margin must be a fraction such as 0.25 (got {spec.Margin})");
        }
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
}
