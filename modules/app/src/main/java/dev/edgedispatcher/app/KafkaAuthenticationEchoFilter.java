package dev.edgedispatcher.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Marker;

/**
 * Drops the Kafka client's own log lines about a failed authentication (one per client and retry,
 * some with a stack trace): the process says it once, with the same cause, and exits
 * ({@link AccessDeniedExit}). Everything else the Kafka client logs passes.
 */
public final class KafkaAuthenticationEchoFilter extends TurboFilter {

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (!logger.getName().startsWith("org.apache.kafka.")) {
            return FilterReply.NEUTRAL;
        }
        if (format != null && format.contains("failed authentication due to")) {
            return FilterReply.DENY;
        }
        Throwable thrown = t;
        if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            thrown = last;
        }
        return thrown instanceof AuthenticationException ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
