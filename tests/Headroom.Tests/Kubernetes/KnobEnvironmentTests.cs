using System.Text.Json.Nodes;
using Headroom.Runners.Kubernetes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// A trial's env from the Deployment's: the article's Go overlay (deploy/k8s/overlays/go: GOGC=off, GOMEMLIMIT from
/// limits.memory) plus a JVM agent and a variable that refers to GOMEMLIMIT. Kubernetes expands <c>$(VAR)</c> only
/// from variables defined earlier in the list (pkg/kubelet/kuberuntime, <c>expansion.MappingFuncFor</c> over the env
/// built in order), so order matters.
/// </summary>
public class KnobEnvironmentTests
{
    private static JsonArray DeploymentEnv() => JsonNode.Parse("""
        [
          { "name": "SALES_DEBUG_HOST", "value": "0.0.0.0" },
          { "name": "GOGC", "value": "off" },
          { "name": "GOMEMLIMIT", "valueFrom": { "resourceFieldRef": { "containerName": "sales-api", "resource": "limits.memory" } } },
          { "name": "CACHE_LIMIT", "value": "$(GOMEMLIMIT)" },
          { "name": "JAVA_TOOL_OPTIONS", "value": "-javaagent:/otel/agent.jar -XX:MaxRAMPercentage=50" }
        ]
        """)!.AsArray();

    private static readonly MemoryQuantity Limit = MemoryQuantity.Parse("64Mi", "--limit");

    private static string[] Names(JsonArray env) => [.. env.Select(e => e!["name"]!.GetValue<string>())];

    private static string? Value(JsonArray env, string name) => env.FirstOrDefault(e => e!["name"]!.GetValue<string>() == name)?["value"]?.GetValue<string>();

    [Fact]
    public void NoneSet_TakesOutEveryKnobVariableOfTheStudy_KeepsTheAgentFlag()
    {
        var env = KnobEnvironment.For(DeploymentEnv(), "sales-api", KnobSet.None, Limit, KnobPresets.All);

        Assert.Equal(["SALES_DEBUG_HOST", "CACHE_LIMIT", "JAVA_TOOL_OPTIONS"], Names(env));
        Assert.Equal("-javaagent:/otel/agent.jar", Value(env, "JAVA_TOOL_OPTIONS"));
    }

    [Fact]
    public void GoSet_PutsItsVariablesWhereTheyWere_SoReferencesStillResolve()
    {
        var env = KnobEnvironment.For(DeploymentEnv(), "sales-api", KnobPresets.Get("go"), Limit, KnobPresets.All);

        Assert.Equal(["SALES_DEBUG_HOST", "GOGC", "GOMEMLIMIT", "CACHE_LIMIT", "JAVA_TOOL_OPTIONS"], Names(env));
        Assert.Equal("limits.memory", env[2]!["valueFrom"]!["resourceFieldRef"]!["resource"]!.GetValue<string>());
    }

    [Fact]
    public void JvmSet_MergesItsFlagsIntoJavaToolOptions_InsteadOfOverwritingTheAgent()
    {
        var env = KnobEnvironment.For(DeploymentEnv(), "sales-api", KnobPresets.Get("jvm"), Limit, KnobPresets.All);

        Assert.Equal("-javaagent:/otel/agent.jar -XX:MaxRAMPercentage=75 -XX:MinRAMPercentage=75", Value(env, "JAVA_TOOL_OPTIONS"));
        Assert.Equal(["SALES_DEBUG_HOST", "CACHE_LIMIT", "JAVA_TOOL_OPTIONS"], Names(env));
    }

    [Fact]
    public void NewVariable_GoesFirst_SoALaterReferenceResolves()
    {
        var env = KnobEnvironment.For(JsonNode.Parse("""[{ "name": "HEAP", "value": "$(DOTNET_GCHeapHardLimit)" }]""")!.AsArray(),
            "api", KnobPresets.Get("dotnet"), Limit, KnobPresets.All);

        Assert.Equal(["DOTNET_GCHeapHardLimit", "HEAP"], Names(env));
        Assert.Equal("4000000", Value(env, "DOTNET_GCHeapHardLimit"));
    }

    [Fact]
    public void UnlimitedTrial_WithGogcOffOrALimitsMemoryReference_IsRefused()
    {
        var none = KnobEnvironment.For(DeploymentEnv(), "sales-api", KnobSet.None, null, [KnobSet.None]);
        var go = KnobEnvironment.For(DeploymentEnv(), "sales-api", KnobPresets.Get("go"), null, KnobPresets.All);
        var clean = KnobEnvironment.For(DeploymentEnv(), "sales-api", KnobSet.None, null, KnobPresets.All);

        // A study without the go set leaves the Deployment's own GOGC=off: with no limit, refused.
        Assert.Equal("the container's env sets GOGC=off, which with no memory limit lets the Go heap grow until the node runs out",
            KnobEnvironment.UnlimitedRefusal(none, "sales-api"));
        Assert.NotNull(KnobEnvironment.UnlimitedRefusal(go, "sales-api"));
        Assert.Null(KnobEnvironment.UnlimitedRefusal(clean, "sales-api"));
        Assert.Equal("the container's env GOMEMLIMIT takes limits.memory, which with no limit is the node's allocatable memory",
            KnobEnvironment.UnlimitedRefusal(JsonNode.Parse("""[{ "name": "GOMEMLIMIT", "valueFrom": { "resourceFieldRef": { "resource": "limits.memory" } } }]""")!.AsArray(), "sales-api"));
    }
}
