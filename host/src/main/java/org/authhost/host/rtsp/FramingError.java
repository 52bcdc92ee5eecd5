package org.authhost.host.rtsp;

import org.authhost.host.authn.Refusal;

/**
 * What {@link RtspFramer} found instead of a message it can hand on: the refusal to answer with
 * (the connection then ends, as the rest of the stream cannot be trusted to frame the next message)
 * and the {@code CSeq} of the head it refused, if it could read one.
 */
record FramingError(Refusal refusal, String cseq) {}
