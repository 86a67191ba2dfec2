package dev.edgedispatcher.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** One run of the {@code dispatcher} command line in-process, as a user would see it. */
record CommandRun(int exitCode, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static CommandRun dispatcher(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Dispatcher.run(new PrintWriter(out), new PrintWriter(err), args);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }

    /** Standard output as one JSON document. */
    JsonNode json() throws IOException {
        return JSON.readTree(out);
    }

    /** Every JSON document on standard output, in order (e.g. `submit --wait`: accept, then final status). */
    List<JsonNode> documents() throws IOException {
        return JSON.readerFor(JsonNode.class).<JsonNode>readValues(out).readAll();
    }
}
