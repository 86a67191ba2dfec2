package dev.edgedispatcher.worker.sign;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature: {@code webhook-signature: v1,<base64 HMAC-SHA256(key, id.timestamp.body)>}
 * where the key is the base64 part of the {@code whsec_} secret.
 */
public final class StandardWebhookSignature {

    private StandardWebhookSignature() {
    }

    public static String sign(String secret, String messageId, long timestampSeconds, byte[] body) {
        byte[] key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
        try {
            Mac mac = HmacSha256.forThisThread();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("an HMAC-SHA256 key was refused", e);
        }
    }
}
