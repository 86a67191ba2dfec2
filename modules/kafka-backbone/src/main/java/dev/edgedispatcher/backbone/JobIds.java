package dev.edgedispatcher.backbone;

import java.security.SecureRandom;
import java.util.UUID;

/** Job ids: UUIDv7 (RFC 9562), time-ordered, generated when a producer gives none. */
public final class JobIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private JobIds() {
    }

    public static String newId() {
        return uuidV7(System.currentTimeMillis()).toString();
    }

    static UUID uuidV7(long epochMillis) {
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** Ids a producer may choose: 1–200 characters of letters, digits and {@code . _ : -}. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > 200) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
