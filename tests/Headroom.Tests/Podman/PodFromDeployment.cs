using k8s;
using k8s.Models;

namespace Headroom.Tests.Podman;

/// <summary>The pod a Deployment's ReplicaSet would create, for <c>podman kube play</c> on this machine.</summary>
internal static class PodFromDeployment
{
    /// <summary>
    /// The Deployment's pod template as a Pod named <paramref name="podName"/>, with only what this machine forces
    /// changed: the image (no registry here, so a local image that is never pulled) and the container ports. A kubelet
    /// does not publish containerPorts on the node, but podman 4.3 publishes each on the host's 0.0.0.0 when hostPort is
    /// unset, which would clash with other tests and needs a bridge network; the test reaches the sample from inside the
    /// pod instead. Everything the test checks (resources, env, probes) is the manifest's, untouched.
    /// </summary>
    public static V1Pod Create(V1Deployment deployment, string podName, string image)
    {
        // A copy: the caller keeps the Deployment as rendered.
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(deployment.Spec.Template));
        foreach (var container in template.Spec.Containers)
        {
            container.Image = image;
            container.ImagePullPolicy = "Never";
            container.Ports = null;
        }
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = podName, Labels = template.Metadata.Labels },
            Spec = template.Spec,
        };
    }
}
