package org.authhost.host.testing;

/** A public class of the host's with a public getter: what Jackson writes as it comes. */
public final class PublicBean {
  public String getName() {
    return "bean";
  }
}
