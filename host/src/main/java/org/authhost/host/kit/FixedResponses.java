package org.authhost.host.kit;

import java.util.List;

/**
 * The client of {@link KitOptions#withResponses} (the command line's {@code --response}): the same
 * blobs for every exchange, whatever the challenge. The kit knows it by its type: a plug-in with a
 * replay check rightly refuses such a client's second exchange, which is then a path the kit did
 * not exercise, not a breach.
 */
final class FixedResponses implements ContractClient {
  private final List<byte[]> legs;

  FixedResponses(List<byte[]> legs) {
    this.legs = legs.stream().map(byte[]::clone).toList();
  }

  @Override
  public byte[] respond(int leg, byte[] challenge) {
    return leg < legs.size() ? legs.get(leg).clone() : null;
  }
}
