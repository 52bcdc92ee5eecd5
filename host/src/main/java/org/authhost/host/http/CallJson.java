package org.authhost.host.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;

/**
 * The JSON bodies of MediaMTX's and SRS's calls: one object, its fields read by name, missing and
 * unknown ones tolerated (the fields vary by version), a field of the wrong type or one given twice
 * refused (two readers could take different ones).
 */
final class CallJson {
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(16)
                      .maxStringLength(RequestCallBodies.MAX_BODY)
                      .maxNumberLength(32)
                      .build())
              .build());

  private CallJson() {}

  /** The body's object. */
  static ObjectNode object(byte[] body) throws MalformedCall {
    JsonNode node;
    try (JsonParser parser = JSON.createParser(body)) {
      node = JSON.readTree(parser);
      if (parser.nextToken() != null) {
        throw new MalformedCall("more than one JSON value in the body");
      }
    } catch (JsonProcessingException e) {
      // Where, not what: the parser's message quotes the text it choked on, a password perhaps.
      JsonLocation at = e.getLocation();
      throw new MalformedCall(
          "body is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new MalformedCall("body is not valid JSON");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new MalformedCall(
          "body is " + (node == null ? "empty" : "a JSON " + kind(node)) + "; expected an object");
    }
    return object;
  }

  /** A text field: its value, or null when missing or JSON null. */
  static String text(ObjectNode object, String field) throws MalformedCall {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new MalformedCall("field '" + field + "' is a " + kind(value) + "; expected a string");
    }
    return value.textValue();
  }

  /** A text field that must be there and not empty. */
  static String required(ObjectNode object, String field) throws MalformedCall {
    String value = text(object, field);
    if (value == null || value.isEmpty()) {
      throw new MalformedCall("missing required field '" + field + "'");
    }
    return value;
  }

  /** A field that may be a string or a whole number (SRS's {@code client_id} has been both). */
  static String textOrNumber(ObjectNode object, String field) throws MalformedCall {
    JsonNode value = object.get(field);
    if (value != null && value.isIntegralNumber()) {
      return value.asText();
    }
    return text(object, field);
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
