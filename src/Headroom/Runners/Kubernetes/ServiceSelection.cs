using k8s;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Whether a Service in the namespace sends real traffic to the Deployment's pods: a Service's <c>spec.selector</c>
/// is a plain label map, and the EndpointSlice controller adds every ready pod whose labels include all of its pairs
/// (pkg/controller/endpointslice; a Service without a selector, such as an ExternalName one, gets no endpoints from
/// it). Sequential mode patches the live Deployment, so such a Service's traffic would meet each trial's limit.
/// </summary>
public static class ServiceSelection
{
    /// <summary>
    /// The namespace's Services, to check the Deployment against before its first patch; null when
    /// <see cref="K8sRunnerOptions.AllowServiceTraffic"/> (nothing to check). A 403 is a one-line error.
    /// </summary>
    public static Task<IReadOnlyList<V1Service>?> ListAsync(KubeConnection connection, string deployment, K8sRunnerOptions options, CancellationToken cancellationToken) =>
        ClusterRefusals.ListUnlessAllowedAsync<V1Service>(options.AllowServiceTraffic,
            async () => (await connection.Client.CoreV1.ListNamespacedServiceAsync(connection.Namespace, cancellationToken: cancellationToken)).Items,
            $"cannot list services in namespace {connection.Namespace} (403) to check whether one sends real traffic to deployment/{deployment}'s pods: grant list on services (deploy/k8s/rbac/role.yaml), or pass --allow-service-traffic if you know none does");

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first of the Services that selects the Deployment's pod template.</summary>
    public static void Refuse(V1Deployment deployment, IReadOnlyList<V1Service>? services)
    {
        if (services is not null && Selecting(services, deployment.Spec?.Template?.Metadata?.Labels) is { } service)
        {
            var selector = string.Join(",", service.Spec.Selector.Select(p => $"{p.Key}={p.Value}"));
            throw new UserInputException(
                $"service/{service.Metadata.Name} selects deployment/{deployment.Metadata?.Name}'s pods ({selector}): its real traffic would meet each trial's limit; use --parallel N (clones whose labels drop the Deployment's selector, so no Service routes to them), or --allow-service-traffic if you mean it");
        }
    }

    /// <summary>The first Service whose non-empty selector the labels satisfy, or null.</summary>
    public static V1Service? Selecting(IEnumerable<V1Service> services, IDictionary<string, string>? labels) =>
        services.FirstOrDefault(s => s.Spec?.Selector is { Count: > 0 } selector
            && selector.All(p => labels is not null && labels.TryGetValue(p.Key, out var value) && value == p.Value));
}
