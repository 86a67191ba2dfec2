package dev.edgedispatcher.worker.sign;

import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;

/**
 * One HMAC-SHA256 instance per thread: {@code Mac.getInstance} looks the provider up on every call,
 * which showed in event-loop profiles of signing every delivery. Callers {@code init} it before use.
 */
final class HmacSha256 {

    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    });

    private HmacSha256() {
    }

    static Mac forThisThread() {
        return MACS.get();
    }
}
