"""A real RTSP origin to try AuthHost's RTSP front with (README, "RTSP"), and its tests' origin:
GStreamer's RTSP server on loopback. Shipped in the distribution as samples/rtsp-origin/origin.py.

/test serves a live H.264 test pattern; /publish takes RECORD (ANNOUNCE an H.264 stream) and
discards what it receives. Usage: origin.py PORT [USER PASSWORD] -- with a user, the origin
demands Basic/Digest itself (for AuthHost's origin credentials). Prints "ready PORT" once it
listens; ends on SIGTERM. Without a user, the origin plays /test to itself from the start (see
the keeper below), so /test is always running.
"""
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
gi.require_version("GstRtsp", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

Gst.init(None)
port = sys.argv[1]
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
# GStreamer's default listen backlog is 5: a burst of connections (50 sessions at once, direct or
# AuthHost's origin connections) overflows it and the dropped SYNs are resent a second later, so
# the burst measured the kernel's retransmission timer. Real origins listen with the system's
# (MediaMTX: Go's somaxconn).
server.set_backlog(1024)
# ORIGIN_THREADS (environment) client threads; GStreamer's default is 1: every client's requests
# and every TCP-interleaved packet of every session on one thread.
threads = int(__import__("os").environ.get("ORIGIN_THREADS", "1"))
server.get_thread_pool().set_max_threads(threads)
mounts = server.get_mount_points()

play = GstRtspServer.RTSPMediaFactory()
play.set_shared(True)
play.set_launch(
    "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=25/1"
    " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25"
    " ! rtph264pay name=pay0 pt=96 config-interval=1 )"
)
mounts.add_factory("/test", play)

record = GstRtspServer.RTSPMediaFactory()
record.set_transport_mode(GstRtspServer.RTSPTransportMode.RECORD)
record.set_launch("( rtph264depay name=depay0 ! fakesink sync=false )")
mounts.add_factory("/publish", record)

if len(sys.argv) > 3:
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
    auth.add_digest(sys.argv[2], sys.argv[3], token)
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    server.set_auth(auth)
    for factory in (play, record):
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_role("user")
        permissions.add_permission_for_role("user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        permissions.add_permission_for_role("user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.set_permissions(permissions)


if server.attach(None) == 0:
    print("cannot listen on port " + port, flush=True)
    sys.exit(2)
# gst-rtsp-server 1.22 aborts (gst_rtsp_media_get_rates: assertion failed) when a client joins the
# shared /test media while the last client's leaving unprepares it, which session churn (the
# bench, many short tests) does. A client of its own keeps the media prepared for the origin's
# life, so no client ever joins one being torn down. Not with origin credentials: that origin
# serves few clients, one at a time.
keeper = None
if len(sys.argv) <= 3:
    keeper = Gst.parse_launch(
        "rtspsrc location=rtsp://127.0.0.1:%d/test protocols=tcp latency=0 ! fakesink sync=false"
        % server.get_bound_port()
    )
    keeper.set_state(Gst.State.PLAYING)
print("ready " + str(server.get_bound_port()), flush=True)
loop = GLib.MainLoop()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
loop.run()
