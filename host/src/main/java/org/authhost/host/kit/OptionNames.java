package org.authhost.host.kit;

/**
 * What the kit's report calls the options an author gives it, by where the kit runs: a hint names
 * the option the reader can type there. An author on the command line told to use {@code
 * withAccount}, or a JUnit author told of {@code --client}, has to translate (trial10).
 */
public enum OptionNames {
  /** {@link KitOptions}, and the testkit's {@code KitOptions} under JUnit or a plain main. */
  JAVA(
      "withAccount",
      "withResponses",
      "withClient",
      "withOtherClient",
      "withProperty",
      "withBlobs(0)"),
  /** {@code authhost plugins check}. */
  COMMAND_LINE("--account", "--response", "--client", "--other-client", "--property", "--blobs 0");

  private final String account;
  private final String responses;
  private final String client;
  private final String otherClient;
  private final String property;
  private final String noBlobs;

  OptionNames(
      String account,
      String responses,
      String client,
      String otherClient,
      String property,
      String noBlobs) {
    this.account = account;
    this.responses = responses;
    this.client = client;
    this.otherClient = otherClient;
    this.property = property;
    this.noBlobs = noBlobs;
  }

  /** {@link KitOptions#withAccount}. */
  String account() {
    return account;
  }

  /** {@link KitOptions#withResponses}. */
  String responses() {
    return responses;
  }

  /** {@link KitOptions#withClient}. */
  String client() {
    return client;
  }

  /** {@link KitOptions#withOtherClient}. */
  String otherClient() {
    return otherClient;
  }

  /** {@link KitOptions#withProperty}. */
  String property() {
    return property;
  }

  /** {@link KitOptions#withBlobs} of none. */
  String noBlobs() {
    return noBlobs;
  }
}
