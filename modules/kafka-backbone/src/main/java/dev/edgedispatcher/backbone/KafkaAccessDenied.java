package dev.edgedispatcher.backbone;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka refused this process in a way no retry fixes: its credentials (authentication) or a
 * missing ACL (authorisation). The message is the one line an operator needs: which of the two,
 * what the process was doing, and which topic, group or cluster permission.
 */
public final class KafkaAccessDenied extends RuntimeException {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessDenied.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** Authentication (who you are) or authorisation (what you may do). */
    public enum Kind { AUTHENTICATION, AUTHORISATION }

    private final Kind kind;

    private KafkaAccessDenied(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The refusal in {@code error} or any of its causes, described with what the process was
     * {@code doing} ("reading webhooks.jobs"); empty for errors worth retrying.
     */
    public static Optional<KafkaAccessDenied> of(Throwable error, String doing) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof KafkaAccessDenied denied) {
                return Optional.of(denied);
            }
            if (cause instanceof AuthenticationException) {
                return Optional.of(new KafkaAccessDenied(Kind.AUTHENTICATION, "Kafka authentication failed while "
                        + doing + " (check the user and password or certificate in --kafka-config): "
                        + cause.getMessage(), cause));
            }
            if (cause instanceof TopicAuthorizationException topics) {
                return Optional.of(authorisation(doing, "topic " + String.join(", ", topics.unauthorizedTopics()), cause));
            }
            if (cause instanceof GroupAuthorizationException group) {
                return Optional.of(authorisation(doing, group.groupId() == null ? "a consumer group"
                        : "consumer group " + group.groupId(), cause));
            }
            if (cause instanceof TransactionalIdAuthorizationException) {
                return Optional.of(authorisation(doing, "a transactional id", cause));
            }
            if (cause instanceof ClusterAuthorizationException) {
                return Optional.of(authorisation(doing, "the cluster", cause));
            }
            if (cause instanceof AuthorizationException) {
                return Optional.of(authorisation(doing, "what it asked for", cause));
            }
        }
        return Optional.empty();
    }

    private static KafkaAccessDenied authorisation(String doing, String resource, Throwable cause) {
        return new KafkaAccessDenied(Kind.AUTHORISATION, "Kafka authorisation failed while " + doing
                + ": this user has no ACL for " + resource + " (" + cause.getMessage() + ")", cause);
    }

    /** The handler of a process that does not exit: the first refusal is logged, later ones are not. */
    public static void logOnce(KafkaAccessDenied denied) {
        if (LOGGED.compareAndSet(false, true)) {
            LOG.error(denied.getMessage());
        }
    }
}
