using k8s;
using k8s.Models;

namespace Headroom.Tests.Deploy;

/// <summary>The manifests under deploy/k8s are read by the official client's models, as kubectl would read them.</summary>
public class ManifestTests
{
    private static string DeployDir => Path.Combine(RepoRoot.Path, "deploy", "k8s");

    private static IEnumerable<string> ManifestFiles() =>
        Directory.EnumerateFiles(DeployDir, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml");

    [Fact]
    public void EveryManifest_DeserialisesIntoClientModels()
    {
        var files = ManifestFiles().ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(file));
            Assert.True(objects.Count > 0, $"{file} holds no Kubernetes object");
        }
    }

    [Fact]
    public void BaseDeployment_HasRequestsEqualToLimits()
    {
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(File.ReadAllText(Path.Combine(DeployDir, "base", "deployment.yaml")));
        var resources = deployment.Spec.Template.Spec.Containers.Single().Resources;
        Assert.Equal(resources.Limits["memory"], resources.Requests["memory"]);
        Assert.Equal(resources.Limits["cpu"], resources.Requests["cpu"]);
    }

    [Fact]
    public void GoOverlay_TakesGomemlimitFromTheContainerLimit()
    {
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(File.ReadAllText(Path.Combine(DeployDir, "overlays", "go", "go.yaml")));
        var env = deployment.Spec.Template.Spec.Containers.Single().Env;
        var gomemlimit = env.Single(e => e.Name == "GOMEMLIMIT");
        Assert.Equal("limits.memory", gomemlimit.ValueFrom.ResourceFieldRef.Resource);
        Assert.Equal("off", env.Single(e => e.Name == "GOGC").Value);
    }

    [Theory]
    [InlineData("article-18Mi", "18Mi")]
    [InlineData("article-23Mi", "23Mi")]
    [InlineData("article-36Mi", "36Mi")]
    [InlineData("article-72Mi", "72Mi")]
    public void ArticleOverlay_SetsTheArticlesLimit(string overlay, string limit)
    {
        var patch = KubernetesYaml.Deserialize<V1Deployment>(File.ReadAllText(Path.Combine(DeployDir, "overlays", overlay, "memory.yaml")));
        var resources = patch.Spec.Template.Spec.Containers.Single().Resources;
        Assert.Equal(new ResourceQuantity(limit), resources.Limits["memory"]);
        Assert.Equal(new ResourceQuantity(limit), resources.Requests["memory"]);
    }
}
