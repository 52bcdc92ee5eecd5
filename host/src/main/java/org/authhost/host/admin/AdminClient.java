package org.authhost.host.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/** The command line's side of the admin endpoint. */
public final class AdminClient {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AdminEndpointFile endpoint;

  private AdminClient(AdminEndpointFile endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * Connects to the host whose data folder this is.
   *
   * @throws AdminException when no host is running there, saying how to start one
   */
  public static AdminClient connect(Path dataDirectory, Path configDirectory)
      throws AdminException {
    Path file = AdminEndpointFile.of(dataDirectory);
    if (!Files.exists(file)) {
      throw new AdminException(
          "no running host for configuration "
              + configDirectory
              + " ("
              + file
              + " does not exist); start one with: ./authhost run --config "
              + configDirectory);
    }
    try {
      return new AdminClient(AdminEndpointFile.read(dataDirectory));
    } catch (NoSuchFileException e) {
      throw new AdminException("the host for " + configDirectory + " has just stopped");
    } catch (IOException e) {
      throw new AdminException("cannot read " + file + ": " + e.getMessage());
    }
  }

  public JsonNode get(String path) throws AdminException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public JsonNode post(String path) throws AdminException {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  public JsonNode delete(String path) throws AdminException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + endpoint.port() + path);
  }

  private JsonNode send(HttpRequest.Builder request) throws AdminException {
    try {
      HttpResponse<byte[]> response =
          http.send(
              request
                  .header("Authorization", "Bearer " + endpoint.token())
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body = json.readTree(response.body());
      if (response.statusCode() != 200) {
        throw new AdminException(
            body.path("error").asText("the host answered " + response.statusCode()));
      }
      return body;
    } catch (ConnectException e) {
      throw new AdminException(
          "the host (pid "
              + endpoint.pid()
              + ") is not answering on port "
              + endpoint.port()
              + "; it may have been killed: start it again");
    } catch (IOException e) {
      throw new AdminException("talking to the host failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted");
    }
  }

  /** A message for the operator. */
  public static final class AdminException extends Exception {
    private static final long serialVersionUID = 1L;

    public AdminException(String message) {
      super(message);
    }
  }
}
