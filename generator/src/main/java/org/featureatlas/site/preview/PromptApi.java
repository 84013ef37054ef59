package org.featureatlas.site.preview;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featureatlas.check.AtlasException;
import org.featureatlas.data.Json;
import org.featureatlas.generate.PromptModel;
import org.featureatlas.render.TokenText;

/**
 * The prompt view's JSON API over a {@link PromptModel}, one run at a time behind a {@link RunQueue}.
 *
 * <p>POST {@code {"text": "...", "feature": 12}} ({@code feature} optional: without it, the feature with the largest
 * activation in the text) answers {@code {"tokens": [{"id", "text", "bos"}], "top": [[[feature, activation] x <=}
 * {@value #TOP_K}{@code ] per token], "feature": F, "acts": [activation of F per token], "bos_left_out": bool}}; a
 * token's text is shown as the site shows it ({@link TokenText}), activations are rounded to 6 significant digits as
 * in the data directory. Errors are {@code {"error": "one line"}}: 400 for a malformed request, 413 for a text of
 * more than {@value #MAX_CHARS} characters (or more tokens than the model's context, or a body over
 * {@value #MAX_BODY_BYTES} bytes), 503 when one text runs and {@code waiting} more wait.
 */
public final class PromptApi implements PromptEndpoint {
  /** The longest text (in characters, code points) the prompt view takes. */
  public static final int MAX_CHARS = 4000;
  /** The largest request body read: the longest text in UTF-8 and JSON escapes, and room for the rest. */
  public static final int MAX_BODY_BYTES = 6 * MAX_CHARS + 1024;
  /** Features listed per token. */
  public static final int TOP_K = 5;
  /** Texts that may wait while one runs. */
  public static final int DEFAULT_WAITING = 4;

  private final PromptModel model;
  private final TokenText text;
  private final RunQueue queue;

  public PromptApi(PromptModel model, RunQueue queue) {
    this.model = model;
    this.text = new TokenText(model.displayVocab());
    this.queue = queue;
  }

  @Override
  public int maxBodyBytes() {
    return MAX_BODY_BYTES;
  }

  @Override
  public Answer info() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("available", true);
    m.put("model", model.modelName());
    m.put("sae", model.saeName());
    m.put("hook", model.hook().toString());
    m.put("d_sae", model.dSae());
    m.put("max_chars", MAX_CHARS);
    m.put("top_k", TOP_K);
    m.put("bos_left_out", model.excludesBos());
    return json(200, m);
  }

  @Override
  public Answer answer(byte[] body) {
    if (body.length > MAX_BODY_BYTES) {
      return error(413, "the request is larger than " + MAX_BODY_BYTES + " bytes; the prompt view takes at most " + MAX_CHARS
          + " characters of text");
    }
    JsonNode request;
    try {
      request = Json.mapper().readTree(body);
    } catch (IOException e) {
      return error(400, "the request is not JSON: send {\"text\": \"...\"}");
    }
    if (request == null || !request.isObject() || !request.path("text").isTextual()) {
      return error(400, "the request needs a \"text\" string: send {\"text\": \"...\"}");
    }
    String prompt = request.get("text").textValue();
    int chars = prompt.codePointCount(0, prompt.length());
    if (chars > MAX_CHARS) {
      return error(413, "the text is " + chars + " characters; the prompt view takes at most " + MAX_CHARS);
    }
    if (prompt.isEmpty()) {
      return error(400, "the text is empty");
    }
    int feature = -1;
    JsonNode f = request.get("feature");
    if (f != null && !f.isNull()) {
      if (!f.isInt() || f.intValue() < 0 || f.intValue() >= model.dSae()) {
        return error(400, "\"feature\" must be a feature of the SAE, 0 to " + (model.dSae() - 1));
      }
      feature = f.intValue();
    }
    int chosen = feature;
    PromptModel.Result r;
    try {
      r = queue.run(() -> model.run(prompt, TOP_K, chosen));
    } catch (RunQueue.Busy e) {
      return error(503, e.getMessage());
    } catch (PromptModel.TooLong e) {
      return error(413, e.getMessage());
    } catch (AtlasException e) {
      return error(400, e.getMessage());
    }
    return json(200, response(r));
  }

  private Map<String, Object> response(PromptModel.Result r) {
    List<Object> tokens = new ArrayList<>(r.ids().length);
    List<Object> top = new ArrayList<>(r.ids().length);
    List<Double> acts = new ArrayList<>(r.ids().length);
    for (int t = 0; t < r.ids().length; t++) {
      tokens.add(new Token(r.ids()[t], text.show(r.ids()[t]), r.bos()[t]));
      List<Object> row = new ArrayList<>();
      for (PromptModel.Activation a : r.top().get(t)) row.add(List.of(a.feature(), (double) a.act()));
      top.add(row);
      acts.add((double) r.acts()[t]);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tokens", tokens);
    m.put("top", top);
    m.put("feature", r.feature());
    m.put("acts", acts);
    m.put("bos_left_out", model.excludesBos());
    return m;
  }

  /** A token of the answer. */
  record Token(@JsonProperty("id") int id, @JsonProperty("text") String text, @JsonProperty("bos") boolean bos) {}

  private static Answer error(int status, String message) {
    return json(status, Map.of("error", message));
  }

  private static Answer json(int status, Object value) {
    try {
      return new Answer(status, Json.mapper().writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
