using System.Text.Json.Nodes;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Runners;
using Headroom.Runners.Kubernetes;
using Headroom.Trials;
using k8s;
using k8s.Models;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// <c>--parallel</c> clones on a shared cluster: what they must not copy (PVCs, priority, required rules selecting the
/// original), the labels they keep, their owner, and runs with leases (coordination.k8s.io/v1, as client-go's
/// leaderelection uses them: holderIdentity, leaseDurationSeconds, renewTime) so that only dead runs' clones are swept.
/// </summary>
public class DeploymentCloneSafetyTests
{
    private static DeploymentClonePool Pool(FakeApiServer fake) => new(
        fake.Connect(), new DeploymentTarget("sales", "sales-api"),
        [new CloneSlotSettings(HeyLoad.Parse($"-c 1 -n 10 {fake.Url}app/work"), fake.FastOptions())]);

    private static TrialRequest At64Mi => new(MemoryQuantity.Parse("64Mi", "--limit"), KnobSet.None);

    private static V1Deployment Production()
    {
        var deployment = KubernetesJson.Deserialize<V1Deployment>(FakeApiServer.Recorded("deployment.json").ToJsonString());
        var template = deployment.Spec.Template;
        template.Metadata.Labels["team"] = "payments";
        template.Metadata.Labels["azure.workload.identity/use"] = "true";
        var spec = template.Spec;
        spec.PriorityClassName = "business-critical";
        spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "sales-data" } }];
        var ownReplicas = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "sales" } };
        spec.Affinity = new V1Affinity
        {
            PodAntiAffinity = new V1PodAntiAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution =
                [
                    new V1PodAffinityTerm { TopologyKey = "kubernetes.io/hostname", LabelSelector = ownReplicas },
                    new V1PodAffinityTerm { TopologyKey = "kubernetes.io/hostname", LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "batch" } } },
                ],
            },
        };
        spec.TopologySpreadConstraints = [new V1TopologySpreadConstraint { MaxSkew = 1, TopologyKey = "topology.kubernetes.io/zone", WhenUnsatisfiable = "DoNotSchedule", LabelSelector = ownReplicas }];
        return deployment;
    }

    [Fact]
    public void Clone_OfAProductionDeployment_RefusesItsPvc_DropsPriorityAndRulesOnItsReplicas_KeepsPolicyLabels_OwnedByTheOriginal()
    {
        var error = Assert.Throws<UserInputException>(() => DeploymentClones.Build(Production(), 1, "run-a"));
        Assert.Equal("deployment/sales mounts PersistentVolumeClaim sales-data (volume data): a clone would mount it too (Multi-Attach for ReadWriteOnce, or writing its data); run without --parallel, or with --clone-pvc-as-emptydir to give each clone an empty volume instead",
            error.Message);

        var clone = DeploymentClones.Build(Production(), 1, "run-a", pvcAsEmptyDir: true);

        var spec = clone.Spec.Template.Spec;
        var volume = Assert.Single(spec.Volumes);
        Assert.Null(volume.PersistentVolumeClaim);
        Assert.NotNull(volume.EmptyDir);
        Assert.Null(spec.PriorityClassName);
        // The rule spreading the original's replicas is gone; the one about another workload stays.
        var kept = Assert.Single(spec.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("batch", kept.LabelSelector.MatchLabels["app"]);
        Assert.Null(spec.TopologySpreadConstraints);
        // The selector's key (what a Service selects) is out; labels policies select on are kept.
        var labels = clone.Spec.Template.Metadata.Labels;
        Assert.False(labels.ContainsKey("app"));
        Assert.Equal("payments", labels["team"]);
        Assert.Equal("true", labels["azure.workload.identity/use"]);
        Assert.Equal("run-a", labels[RunLease.RunLabel]);
        var owner = Assert.Single(clone.Metadata.OwnerReferences);
        Assert.Equal(("apps/v1", "Deployment", "sales", "5f1c2a9e-3d0b-4c57-9b8e-2a64c1f0d7a3", false),
            (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller ?? false));
    }

    [Fact]
    public async Task TwoRunsOnOneDeployment_TheSecondIsRefusedWhileTheFirstsLeaseIsLive_TheFirstCleansUp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        await using (var first = Pool(fake))
        {
            Assert.Equal(TrialOutcome.Survived, (await first.RunAsync(At64Mi, null, ct)).Outcome);
            var lease = Assert.Single(fake.Leases).Value;
            Assert.Equal("sales", lease["metadata"]!["labels"]![DeploymentClones.CloneOfLabel]!.GetValue<string>());

            await using var second = Pool(fake);
            var error = await Assert.ThrowsAsync<UserInputException>(() => second.RunAsync(At64Mi, null, ct));

            Assert.StartsWith("deployment/sales has clones of another --parallel run that is still going (run ", error.Message, StringComparison.Ordinal);
            Assert.Contains(": sales-headroom-1, lease held by ", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("wait for it to end, or once it has stopped for 60 s run headroom k8s restore deployment/sales --namespace default", error.Message, StringComparison.Ordinal);
            // The refused run touched nothing of the first's.
            Assert.Equal(["sales-headroom-1"], fake.OtherDeployments.Keys);
        }

        Assert.Empty(fake.OtherDeployments);
        Assert.Empty(fake.Leases);
    }

    [Fact]
    public async Task AKilledRunsClones_AreSweptOnlyOnceItsLeaseIsStale()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var original = KubernetesJson.Deserialize<V1Deployment>(fake.Deployment.ToJsonString());
        fake.AddDeployment(JsonNode.Parse(KubernetesJson.Serialize(DeploymentClones.Build(original, 1, "host-1-killed")))!.AsObject());

        // Killed seconds ago: its lease has not lapsed, so the run may still be going; its clone is left.
        fake.AddLease("headroom-run-host-1-killed", "host-1-killed", DateTime.UtcNow.AddSeconds(-5));
        await using (var early = Pool(fake))
        {
            await Assert.ThrowsAsync<UserInputException>(() => early.RunAsync(At64Mi, null, ct));
        }
        Assert.Equal(["sales-headroom-1"], fake.OtherDeployments.Keys);

        // Not renewed for two minutes (60-s lease): dead; its clone and lease are swept, the new run makes its own.
        fake.AddLease("headroom-run-host-1-killed", "host-1-killed", DateTime.UtcNow.AddMinutes(-2));
        await using (var later = Pool(fake))
        {
            await later.RunAsync(At64Mi, null, ct);
            Assert.Equal(["sales-headroom-1"], later.SweptStale);
            Assert.DoesNotContain("headroom-run-host-1-killed", fake.Leases.Keys);
        }
        Assert.Empty(fake.OtherDeployments);
        Assert.Empty(fake.Leases);
    }
}
