package dev.edgedispatcher.backbone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The one JSON mapping of Kafka record values. */
public final class RecordJson {

    /** Shared, thread-safe; unknown fields are ignored so that newer writers do not break older readers. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RecordJson() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Reads a record value; a malformed one is an {@link IOException} naming what is wrong. */
    public static <T> T read(byte[] bytes, Class<T> type) throws IOException {
        if (bytes == null) {
            throw new IOException("record has no value");
        }
        return MAPPER.readValue(bytes, type);
    }

}
