package dev.edgedispatcher.callback.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict percent-decoding of a fragment value: {@code %XX} only, UTF-8, {@code +} stays a plus. */
public final class PercentDecoder {

    private PercentDecoder() {
    }

    /** The decoded text, or null when {@code raw} holds a malformed escape or invalid UTF-8. */
    public static String decodeOrNull(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 4);
        int i = 0;
        while (i < raw.length()) {
            int c = raw.codePointAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.put((byte) (high << 4 | low));
                i += 3;
            } else {
                bytes.put(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c);
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
