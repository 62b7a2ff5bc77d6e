import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

// A small JDK service for Headroom's third-party suite: GET /ready answers "ok"; GET /users builds a page of
// users as JSON (a little garbage per request, as a real handler makes). Port from the first argument.
public final class Api {
    public static void main(String[] args) throws Exception {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 128);
        server.createContext("/ready", exchange -> reply(exchange, "ok"));
        server.createContext("/users", exchange -> {
            List<String> users = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                users.add("{\"id\":" + i + ",\"name\":\"user-" + i + "\",\"email\":\"user" + i + "@example.com\"}");
            }
            reply(exchange, "[" + String.join(",", users) + "]");
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
