using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// The API server's side of <c>exec</c> (the channel protocols v4.channel.k8s.io and v5.channel.k8s.io): each binary
/// message starts with its channel (1 stdout, 2 stderr, 3 the status as JSON); the status says Success, or Failure
/// with reason NonZeroExitCode and the exit code, and then the server closes. Only <c>cat</c> is in the fake
/// container's image (nothing in a <c>FROM scratch</c> one: runc's "executable file not found", which the API server
/// passes on as an InternalError status); it prints the fake's cgroup files.
/// </summary>
internal static class FakeExec
{
    public static async Task ServeAsync(HttpContext context, FakeApiServer fake)
    {
        var ct = context.RequestAborted;
        if (fake.ForbidExec)
        {
            await RefuseAsync(context, 403, "pods \"sales\" is forbidden: User \"system:serviceaccount:default:headroom\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"default\"");
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, 400, "Upgrade request required");
            return;
        }
        if (!fake.ContainerRunning)
        {
            await RefuseAsync(context, 500, "container not found (\"sales-api\")");
            return;
        }
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = requested.FirstOrDefault(p => p is "v5.channel.k8s.io" or "v4.channel.k8s.io");
        if (requested.Count > 0 && protocol is null)
        {
            await RefuseAsync(context, 400, $"this fake speaks v4/v5.channel.k8s.io, not {string.Join(", ", requested)}");
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        if (fake.NextExecHangs())
        {
            // A stuck exec: the connection is open and nothing comes until the client gives up.
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
            }
            catch (OperationCanceledException)
            {
                // The client gave up and closed.
            }
            return;
        }
        var command = context.Request.Query["command"].Select(c => c ?? "").ToArray();
        JsonObject status;
        if (command.Length == 0 || command[0] != "cat" || fake.ScratchImage)
        {
            status = Failure("InternalError",
                $"OCI runtime exec failed: exec failed: unable to start container process: exec: \"{command.FirstOrDefault()}\": executable file not found in $PATH: unknown");
        }
        else
        {
            var exit = 0;
            foreach (var path in command.Skip(1))
            {
                if (fake.CgroupFile(path) is { } text)
                {
                    await SendAsync(socket, 1, text, ct);
                }
                else
                {
                    await SendAsync(socket, 2, $"cat: {path}: No such file or directory\n", ct);
                    exit = 1;
                }
            }
            status = exit == 0
                ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
                : Failure("NonZeroExitCode", $"command terminated with non-zero exit code: error executing command [{string.Join(' ', command)}], exit code {exit}", exit);
        }
        await SendAsync(socket, 3, status.ToJsonString(), ct);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
    }

    private static JsonObject Failure(string reason, string message, int? exit = null)
    {
        var failure = new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message, ["reason"] = reason };
        if (exit is { } code)
        {
            failure["details"] = new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            };
        }
        return failure;
    }

    private static async Task SendAsync(WebSocket socket, byte channel, string text, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var message = new byte[bytes.Length + 1];
        message[0] = channel;
        bytes.CopyTo(message, 1);
        await socket.SendAsync(message, WebSocketMessageType.Binary, true, ct);
    }

    private static async Task RefuseAsync(HttpContext context, int code, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(FakeApiServer.StatusJson(code, message), context.RequestAborted);
    }
}
