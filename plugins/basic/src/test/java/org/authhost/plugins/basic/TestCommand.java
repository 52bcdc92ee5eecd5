package org.authhost.plugins.basic;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.authhost.api.CommandContext;
import org.authhost.api.PasswordCredential;

/** A request as the host describes it, with or without a password given outside the header. */
record TestCommand(PasswordCredential credential) implements CommandContext {
  static final TestCommand NONE = new TestCommand(null);

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String requestTarget() {
    return "/live/cam1";
  }

  @Override
  public Map<String, List<String>> headers() {
    return Map.of();
  }

  @Override
  public Optional<PasswordCredential> passwordCredential() {
    return Optional.ofNullable(credential);
  }
}
