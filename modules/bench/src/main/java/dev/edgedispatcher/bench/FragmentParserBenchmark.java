package dev.edgedispatcher.bench;

import dev.edgedispatcher.callback.CallbackTarget;
import dev.edgedispatcher.callback.FragmentParser;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.callback.UrlKind;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of parsing callback URLs. {@code typical} is the target (under 1 µs); the hostile cases show
 * that rejection cost does not grow with input size beyond one scan (1 kB vs 100 kB).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FragmentParserBenchmark {

    private final String typical = "https://example.com/answer?CallUUID=abc#ct=2000&rt=3000&tt=10000&rc=3&rp=ct,rt,5xx&er=frankfurt";
    private final String noFragment = "https://example.com/answer?CallUUID=abc";
    private final String outOfRange = "https://example.com/answer#ct=50";
    private final String hostile1k = "https://example.com/a#" + "rp=" + "ct,".repeat(340);
    private final String hostile100k = "https://example.com/a#" + "rp=" + "ct,".repeat(34_000);
    private final String hostileUrl100k = "https://example.com/" + "a".repeat(100_000) + "#ct=100";

    @Benchmark
    public ParseResult<CallbackTarget> typical() {
        return FragmentParser.parse(typical, UrlKind.ANSWER_URL);
    }

    @Benchmark
    public ParseResult<CallbackTarget> noFragment() {
        return FragmentParser.parse(noFragment, UrlKind.ANSWER_URL);
    }

    @Benchmark
    public ParseResult<CallbackTarget> rejectOutOfRange() {
        return FragmentParser.parse(outOfRange, UrlKind.ANSWER_URL);
    }

    @Benchmark
    public ParseResult<CallbackTarget> rejectHostileFragment1k() {
        return FragmentParser.parse(hostile1k, UrlKind.ANSWER_URL);
    }

    @Benchmark
    public ParseResult<CallbackTarget> rejectHostileFragment100k() {
        return FragmentParser.parse(hostile100k, UrlKind.ANSWER_URL);
    }

    @Benchmark
    public ParseResult<CallbackTarget> rejectHostileUrl100k() {
        return FragmentParser.parse(hostileUrl100k, UrlKind.ANSWER_URL);
    }
}
