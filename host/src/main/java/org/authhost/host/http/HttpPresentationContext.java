package org.authhost.host.http;

import org.authhost.api.PresentationContext;

/** {@code pPresentationCtx}: the publishing point and URL asked for. */
record HttpPresentationContext(String publishingPoint, String url) implements PresentationContext {}
