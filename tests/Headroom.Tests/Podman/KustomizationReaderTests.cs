using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Headroom.Tests.Podman;

/// <summary>The tests' kustomization reader renders deploy/k8s as kubectl does, so the podman test checks the same manifests either way.</summary>
public sealed class KustomizationReaderTests
{
    public static TheoryData<string> Kustomizations() =>
    [
        "base",
        .. Directory.EnumerateDirectories(Path.Combine(OverlayRenderer.DeployDirectory, "overlays")).Select(d => "overlays/" + Path.GetFileName(d)).Order(StringComparer.Ordinal),
        "rbac",
    ];

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Reader_RendersWhatKubectlKustomizeRenders(string kustomization)
    {
        if (OverlayRenderer.Kubectl is null)
        {
            Assert.Skip("kubectl is not installed: nothing to compare the reader with");
        }
        var directory = Path.Combine(OverlayRenderer.DeployDirectory, kustomization);

        var expected = ByIdentity(await OverlayRenderer.KubectlKustomizeAsync(directory, TestContext.Current.CancellationToken));
        var actual = ByIdentity(KustomizationReader.Build(directory));

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (identity, kubectlObject) in expected)
        {
            Assert.True(JsonNode.DeepEquals(kubectlObject, actual[identity]),
                $"{identity} differs:\nkubectl: {kubectlObject.ToJsonString()}\nreader:  {actual[identity].ToJsonString()}");
        }
    }

    [Fact]
    public void Reader_AppliesTheArticleOverlayOnTopOfTheGoOverlay()
    {
        var yaml = KustomizationReader.Build(Path.Combine(OverlayRenderer.DeployDirectory, "overlays", "article-18Mi"));
        var container = KubernetesYaml.LoadAllFromString(yaml).OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single();

        Assert.Equal("go-sales-api:local", container.Image);
        Assert.Equal(new ResourceQuantity("18Mi"), container.Resources.Limits["memory"]);
        Assert.Equal(new ResourceQuantity("250m"), container.Resources.Limits["cpu"]);
        Assert.Equal("limits.memory", container.Env.Single(e => e.Name == "GOMEMLIMIT").ValueFrom.ResourceFieldRef.Resource);
        Assert.Equal(2, container.Ports.Count);
        Assert.NotNull(container.ReadinessProbe);
    }

    /// <summary>Each object read by the client's models, as JSON by kind/name: key order and YAML quoting do not count.</summary>
    private static Dictionary<string, JsonNode> ByIdentity(string yaml) =>
        KubernetesYaml.LoadAllFromString(yaml)
            .Cast<IKubernetesObject<V1ObjectMeta>>()
            .ToDictionary(o => $"{o.Kind}/{o.Metadata.Name}", o => JsonNode.Parse(KubernetesJson.Serialize(o))!);
}
