using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The parts of a Deployment's pod spec a <c>--parallel</c> clone must not copy as they are (see
/// <see cref="DeploymentClones"/>): PersistentVolumeClaims, the priority class, and required (anti-)affinity terms and
/// topology spread constraints that select the original's pods.
/// </summary>
public static class CloneRewrites
{
    public static void Apply(V1PodSpec spec, string source, IDictionary<string, string> originalLabels, bool pvcAsEmptyDir)
    {
        foreach (var volume in spec.Volumes ?? [])
        {
            if (volume.PersistentVolumeClaim is { } claim)
            {
                if (!pvcAsEmptyDir)
                {
                    throw new UserInputException(
                        $"deployment/{source} mounts PersistentVolumeClaim {claim.ClaimName} (volume {volume.Name}): a clone would mount it too (Multi-Attach for ReadWriteOnce, or writing its data); run without --parallel, or with --clone-pvc-as-emptydir to give each clone an empty volume instead");
                }
                volume.PersistentVolumeClaim = null;
                volume.EmptyDir = new V1EmptyDirVolumeSource();
            }
        }
        // A clone runs at the namespace's default priority: it must not preempt the production pods it copies.
        spec.PriorityClassName = null;
        spec.Priority = null;
        spec.PreemptionPolicy = null;
        if (spec.Affinity?.PodAntiAffinity is { } anti)
        {
            anti.RequiredDuringSchedulingIgnoredDuringExecution = Keep(anti.RequiredDuringSchedulingIgnoredDuringExecution, originalLabels);
        }
        if (spec.Affinity?.PodAffinity is { } affinity)
        {
            affinity.RequiredDuringSchedulingIgnoredDuringExecution = Keep(affinity.RequiredDuringSchedulingIgnoredDuringExecution, originalLabels);
        }
        if (spec.TopologySpreadConstraints is { } constraints)
        {
            var kept = constraints.Where(c => !LabelSelectors.Matches(c.LabelSelector, originalLabels)).ToList();
            spec.TopologySpreadConstraints = kept.Count == 0 ? null : kept;
        }
    }

    private static List<V1PodAffinityTerm>? Keep(IList<V1PodAffinityTerm>? terms, IDictionary<string, string> originalLabels)
    {
        var kept = terms?.Where(t => !LabelSelectors.Matches(t.LabelSelector, originalLabels)).ToList();
        return kept is { Count: > 0 } ? kept : null;
    }
}
