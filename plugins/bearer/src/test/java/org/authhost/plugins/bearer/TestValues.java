package org.authhost.plugins.bearer;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.authhost.api.NamedValues;

/** The plug-in's named values as the host gives them. */
record TestValues(Map<String, String> values) implements NamedValues {
  static TestValues of(String... pairs) {
    Map<String, String> m = new HashMap<>();
    m.put("issuer", TestKeys.ISSUER);
    m.put("audience", TestKeys.AUDIENCE);
    m.put("jwksUri", "http://127.0.0.1:1/jwks");
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        m.remove(pairs[i]);
      } else {
        m.put(pairs[i], pairs[i + 1]);
      }
    }
    return new TestValues(Map.copyOf(m));
  }

  @Override
  public String pluginId() {
    return "bearer";
  }

  @Override
  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  @Override
  public Map<String, String> asMap() {
    return values;
  }
}
