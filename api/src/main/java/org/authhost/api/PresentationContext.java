package org.authhost.api;

/**
 * What the client asks for.
 *
 * <p>WMS counterpart: the presentation {@code IWMSContext} ({@code pPresentationCtx}).
 */
public interface PresentationContext {

  /** The publishing point's name, e.g. {@code vod}. */
  String publishingPoint();

  /** The requested URL as the client sent it. */
  String url();
}
