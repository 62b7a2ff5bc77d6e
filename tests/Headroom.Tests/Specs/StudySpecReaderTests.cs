using Headroom.Specs;

namespace Headroom.Tests.Specs;

public class StudySpecReaderTests
{
    private const string Full = """
        name: sales-api
        target:
          command: ./bin/sales-api
          args: ["--port", "4000"]
          env: { DB: sqlite }
          ports: [4000]
          ready: http://127.0.0.1:4000/readiness
          stats: http://127.0.0.1:4000/debug/vars
          token:
            url: http://127.0.0.1:4000/v1/users/token
            user: admin@example.com
            password: gophers
        load: "-c 10 -n 1000"
        limits: [18Mi, 23Mi]
        knobSets:
          - none
          - go
          - name: soft
            env: { GOMEMLIMIT: "{limit*0.9}" }
        floor: soft
        repeats: 5
        resolution: 512Ki
        confirm: 2
        healthy: 0.8
        margin: 0.3
        runtime: go
        """;

    [Fact]
    public void Parse_FullSpec_ReadsEveryField()
    {
        var spec = StudySpecReader.Parse(Full);

        Assert.Equal("sales-api", spec.Name);
        Assert.Equal(["--port", "4000"], spec.Target.Args);
        Assert.Equal("token", spec.Target.Token!.Field);
        Assert.Equal(["18Mi", "23Mi"], spec.Limits.Select(l => l.ToString()));
        Assert.Equal(["none", "go", "soft"], spec.KnobSets.Select(k => k.Name));
        Assert.Equal("{limit*0.9}", spec.FloorKnobs!.Environment["GOMEMLIMIT"]);
        Assert.Equal((5, "512Ki", 2, 0.8, 0.3, TargetRuntime.Go), (spec.Repeats, spec.Resolution.ToString(), spec.Confirm, spec.Healthy, spec.Margin, spec.Runtime));
    }

    [Fact]
    public void Parse_CommandAsAString_IsSplitLikeAShell()
    {
        var spec = StudySpecReader.Parse("target:\n  command: python3 -m http.server 'port 8000'\n  files: [/srv/www]\nwarm: true\n");

        Assert.Equal("python3", spec.Target.Command);
        Assert.Equal(["-m", "http.server", "port 8000"], spec.Target.Args);
        Assert.Equal(["/srv/www"], spec.Target.Files);
        Assert.True(spec.Warm);
    }

    [Fact]
    public void Parse_CommandAsAList_KeepsTheWordsAndAppendsArgs()
    {
        var spec = StudySpecReader.Parse("target:\n  command: [java, -cp, classes]\n  args: [Api, \"8080\"]\n");

        Assert.Equal("java", spec.Target.Command);
        Assert.Equal(["-cp", "classes", "Api", "8080"], spec.Target.Args);
    }

    [Fact]
    public void Parse_EmptyCommand_NamesTheKey()
    {
        var error = Assert.Throws<UserInputException>(() => StudySpecReader.Parse("target:\n  command: \"\"\n"));
        Assert.StartsWith("headroom.yaml: target.command is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Minimal_TakesTheDefaults()
    {
        var spec = StudySpecReader.Parse("target:\n  image: ghcr.io/example/api:1\nruntime: dotnet\n");

        Assert.Equal(("-c 10 -n 1000", 3, "1Mi", 3, 0.9, 0.25), (spec.Load, spec.Repeats, spec.Resolution.ToString(), spec.Confirm, spec.Healthy, spec.Margin));
        Assert.Equal(["none", "dotnet"], spec.MatrixKnobSets().Select(k => k.Name));
        Assert.Equal("dotnet", spec.FloorKnobSet()!.Name);
    }

    [Theory]
    [InlineData("target:\n  command: x\n  prot: 4000\n", "headroom.yaml line 3: unknown key 'prot'")]
    [InlineData("repeets: 3\n", "headroom.yaml line 1: unknown key 'repeets'")]
    [InlineData("limits: [18Mx]\n", "headroom.yaml: limits[0] '18Mx' is not valid")]
    [InlineData("resolution: -1Mi\n", "headroom.yaml: resolution '-1Mi' is not valid")]
    [InlineData("knobSets: [gogc]\n", "unknown knob set 'gogc'; use one of none, go,")]
    [InlineData("knobSets:\n  - name: x\n    env: { A: \"{limt}\" }\n", "headroom.yaml: knob set 'x': A='{limt}' has an unknown placeholder")]
    [InlineData("runtime: rust\n", "unknown runtime 'rust'; use one of go, dotnet, jvm, node")]
    [InlineData("target:\n  command: x\n  image: y\n", "headroom.yaml: target needs exactly one of 'command' or 'image'")]
    [InlineData("confirm: 0\n", "headroom.yaml: confirm must be from 1 to 39 (got 0)")]
    public void Parse_Mistakes_AreOneLineUserErrors(string yaml, string expectedStart)
    {
        var error = Assert.Throws<UserInputException>(() => StudySpecReader.Parse(yaml));

        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
