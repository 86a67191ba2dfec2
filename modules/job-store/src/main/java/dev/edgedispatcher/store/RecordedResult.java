package dev.edgedispatcher.store;

import dev.edgedispatcher.backbone.ResultEvent;

/** A {@code webhooks.results} event as the sink read it: its partition, offset and record time. */
public record RecordedResult(ResultEvent event, int partition, long offset, long timestampMs) {
}
