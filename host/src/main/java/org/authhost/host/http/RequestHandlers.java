package org.authhost.host.http;

import io.netty.channel.ChannelPipeline;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.authhost.host.access.TrustedProxies;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.Verdict;
import org.authhost.host.metrics.AnswerCounts;
import org.authhost.host.metrics.CountedAnswers;
import org.authhost.host.metrics.HostMetrics;

/**
 * The request path after the HTTP codec, one concern per handler, each answering the {@link
 * Exchange} or passing it on: {@link RequestSequencer} (one request at a time, keep-alive, the
 * client address), {@link RequestLimits}, the streaming servers' endpoints ({@link
 * StreamServerCalls}, whose bodies {@link RequestCallBodies} reads first), the server's {@link
 * AddressLists}, {@link Routing}, the point's {@link AddressLists}, {@link Authentication}, {@link
 * Dispatch}; {@link CountedAnswers} counts what they answer. All but the first are stateless and
 * shared by every connection, so a connection costs one handler.
 */
final class RequestHandlers {
  private final TrustedProxies trustedProxies;
  private final RequestLimits limits;

  /** The streaming servers' endpoints, or null when none is configured. */
  private final StreamServerCalls streamServers;

  private final Set<String> callBodyPaths;

  private final AddressLists serverAddresses;
  private final Routing routing;
  private final AddressLists pointAddresses;
  private final Authentication authentication;
  private final Dispatch dispatch;
  private final AnswerCounts httpAnswers;

  RequestHandlers(
      HttpServices services,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide) {
    HttpAnswers answers = services.answers();
    this.trustedProxies = services.trustedProxies();
    this.limits =
        new RequestLimits(
            services.limits(), answers, StreamServerCalls.dialects(services.integrations()));
    this.streamServers =
        services.integrations().any()
            ? new StreamServerCalls(
                services.integrations(),
                services.serverIpRules(),
                services.points(),
                decide,
                answers,
                services.clock(),
                services.metrics())
            : null;
    this.callBodyPaths = StreamServerCalls.bodyPaths(services.integrations());
    this.serverAddresses = AddressLists.server(services.serverIpRules(), answers);
    this.routing = new Routing(services.points(), answers);
    this.pointAddresses = AddressLists.point(answers);
    this.authentication = new Authentication(decide, answers);
    this.dispatch = new Dispatch(services, answers);
    this.httpAnswers = services.metrics().answers(HostMetrics.HTTP);
  }

  void addTo(ChannelPipeline p, ConnectionActivity activity) {
    if (!callBodyPaths.isEmpty()) {
      p.addLast("call-bodies", new RequestCallBodies(callBodyPaths));
    }
    RequestSequencer requests = new RequestSequencer(activity, trustedProxies, httpAnswers);
    // Every answer is written from the sequencer's context, so it passes here on its way out.
    p.addLast("answers", new CountedAnswers(requests::answering));
    p.addLast("requests", requests);
    p.addLast("limits", limits);
    if (streamServers != null) {
      p.addLast("stream-servers", streamServers);
    }
    p.addLast("server-addresses", serverAddresses);
    p.addLast("routing", routing);
    p.addLast("point-addresses", pointAddresses);
    p.addLast("authentication", authentication);
    p.addLast("dispatch", dispatch);
  }
}
