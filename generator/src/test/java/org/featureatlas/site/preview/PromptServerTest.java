package org.featureatlas.site.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.featureatlas.generate.PromptModel;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.site.FakeSite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The prompt view's API through the preview server on the demo checkpoint: GET describes it, POST runs a text (JSON
 * in and out), a text over the limit gets 413, a malformed request 400, a full queue 503, other methods 405; a
 * preview without a model answers the path with the site's 404.
 */
class PromptServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path tmp;
  static PromptModel model;
  static RunQueue queue;
  static PreviewServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("atlas-prompt-server");
    Path home = RenderOptions.atlasHome();
    model = PromptModel.load(home.resolve("demo/model"), home.resolve("demo/sae"), null, false, "cpu");
    queue = new RunQueue(0);
    server = PreviewServer.start(new LiveSite(new DirectorySource(FakeSite.write(Files.createDirectories(tmp.resolve("site"))))), "127.0.0.1", 0,
        false, new PromptApi(model, queue));
  }

  @AfterAll
  static void stop() {
    server.close();
    model.close();
    org.featureatlas.fs.AtomicDirectory.deleteTree(tmp);
  }

  HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(PromptEndpoint.PATH))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String request(String text) throws Exception {
    return JSON.writeValueAsString(java.util.Map.of("text", text));
  }

  @Test
  void getDescribesAndPostRunsAText() throws Exception {
    HttpResponse<String> info = http.send(HttpRequest.newBuilder(server.uri().resolve(PromptEndpoint.PATH)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, info.statusCode());
    assertTrue(info.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    JsonNode i = JSON.readTree(info.body());
    assertTrue(i.get("available").asBoolean());
    assertEquals("blocks.0.mlp.hook_post", i.get("hook").asText());
    assertEquals(PromptApi.MAX_CHARS, i.get("max_chars").asInt());

    String text = "Fellow citizens <img src=x onerror=alert(1)> \"quoted\" & end";
    HttpResponse<String> r = post(request(text));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode a = JSON.readTree(r.body());
    StringBuilder joined = new StringBuilder();
    a.get("tokens").forEach(t -> joined.append(t.get("text").asText()));
    // The demo's byte-level tokens give the text back, as plain JSON strings.
    assertEquals(text, joined.toString());
    assertEquals(a.get("tokens").size(), a.get("acts").size());
    assertEquals(a.get("tokens").size(), a.get("top").size());
    int feature = a.get("feature").asInt();
    double most = 0;
    for (JsonNode row : a.get("top")) {
      assertTrue(row.size() <= PromptApi.TOP_K);
      for (JsonNode fa : row) most = Math.max(most, fa.get(1).asDouble());
    }
    double chosenMost = 0;
    for (JsonNode v : a.get("acts")) chosenMost = Math.max(chosenMost, v.asDouble());
    assertEquals(most, chosenMost, 0, "feature " + feature + " holds the largest activation in the text");

    JsonNode again = JSON.readTree(post("{\"text\": " + JSON.writeValueAsString(text) + ", \"feature\": 7}").body());
    assertEquals(7, again.get("feature").asInt());
  }

  @Test
  void limitsAndBadRequestsGetClearStatuses() throws Exception {
    HttpResponse<String> tooLong = post(request("a".repeat(PromptApi.MAX_CHARS + 1)));
    assertEquals(413, tooLong.statusCode());
    assertEquals("the text is " + (PromptApi.MAX_CHARS + 1) + " characters; the prompt view takes at most " + PromptApi.MAX_CHARS,
        JSON.readTree(tooLong.body()).get("error").asText());
    HttpResponse<String> context = post(request("the people ".repeat(100)));
    assertEquals(413, context.statusCode());
    assertTrue(JSON.readTree(context.body()).get("error").asText().contains("more than the model's context of 128"), context.body());
    HttpResponse<String> huge = post("{\"text\": \"" + "b".repeat(PromptApi.MAX_BODY_BYTES) + "\"}");
    assertEquals(413, huge.statusCode());
    assertEquals(400, post("not json").statusCode());
    assertEquals(400, post("{\"txt\": \"x\"}").statusCode());
    assertEquals(400, post("{\"text\": \"x\", \"feature\": 99999}").statusCode());
    assertEquals(400, post("{\"text\": \"\"}").statusCode());
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(server.uri().resolve(PromptEndpoint.PATH))
        .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, put.statusCode());
  }

  @Test
  void aFullQueueGets503() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread t = new Thread(() -> queue.run(() -> {
      holding.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    t.start();
    try {
      assertTrue(holding.await(10, TimeUnit.SECONDS));
      HttpResponse<String> busy = post(request("hello"));
      assertEquals(503, busy.statusCode());
      assertTrue(JSON.readTree(busy.body()).get("error").asText().startsWith("the model is busy"), busy.body());
    } finally {
      release.countDown();
      t.join();
    }
    assertEquals(200, post(request("hello")).statusCode());
  }

  @Test
  void withoutAModelThePathIsNotFound() throws Exception {
    try (PreviewServer plain = PreviewServer.start(new LiveSite(new DirectorySource(tmp.resolve("site"))), "127.0.0.1", 0, false)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(plain.uri().resolve(PromptEndpoint.PATH)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, r.statusCode());
    }
  }
}
