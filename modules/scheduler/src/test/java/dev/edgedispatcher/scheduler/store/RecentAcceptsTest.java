package dev.edgedispatcher.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentAcceptsTest {

    private static JobRecord job(String id) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("To", "+14155550100");
        params.put("CallUUID", "c-" + id);
        ObjectNode policy = JsonNodeFactory.instance.objectNode().put("ct", 2000).put("rt", 5000);
        ObjectNode resolution = JsonNodeFactory.instance.objectNode().put("er", "nearest").put("region", "frankfurt");
        return new JobRecord(id, "https://example.com/a?x=1#rt=5000", "answer", "POST", params, null, null,
                "https://example.com/b", "10.0.0.1", "call-7", "acme", "frankfurt", resolution, policy, 1_700_000_000_000L,
                "wh-" + id, "earlier-" + id);
    }

    @Test
    void aJobKeptAsItsPublishedBytesReadsBackEqualToTheRecord() {
        RecentAccepts recent = new RecentAccepts(10);
        JobRecord job = job("j-1");

        recent.accepted(job.id(), RecordJson.write(job));

        assertThat(recent.find("j-1")).contains(job);
        assertThat(recent.find("j-1").orElseThrow().params().keySet()).containsExactly("To", "CallUUID");
        assertThat(recent.find("j-2")).isEmpty();
    }

    @Test
    void pastItsCapacityTheOldestGoFirst() {
        RecentAccepts recent = new RecentAccepts(2);
        for (String id : new String[] {"a", "b", "c"}) {
            recent.accepted(id, RecordJson.write(job(id)));
        }

        assertThat(recent.find("a")).isEmpty();
        assertThat(recent.find("b")).map(JobRecord::id).contains("b");
        assertThat(recent.find("c")).map(JobRecord::id).contains("c");
    }
}
