package dev.edgedispatcher.backbone;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A record on {@code webhooks.dlq}: a record that could not be processed at all, why, where it came
 * from, and its original bytes (as text when they are UTF-8, else base64).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(
        String reason,
        String field,
        String detail,
        @JsonProperty("source_topic") String sourceTopic,
        @JsonProperty("source_partition") int sourcePartition,
        @JsonProperty("source_offset") long sourceOffset,
        @JsonProperty("original_value") String originalValue,
        @JsonProperty("original_value_base64") String originalValueBase64) {

    public static DeadLetter of(String reason, String field, String detail, String topic, int partition, long offset,
            byte[] original) {
        String text = null;
        String base64 = null;
        if (original != null) {
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(original)).toString();
            } catch (CharacterCodingException e) {
                base64 = Base64.getEncoder().encodeToString(original);
            }
        }
        return new DeadLetter(reason, field, detail, topic, partition, offset, text, base64);
    }
}
