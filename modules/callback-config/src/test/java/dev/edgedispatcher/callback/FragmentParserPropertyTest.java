package dev.edgedispatcher.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FragmentParserPropertyTest {

    @Property(tries = 3000)
    void anyStringAfterTheHashYieldsAPolicyOrTheTypedError(@ForAll String fragment) {
        assertParsesOrRejects(fragment);
    }

    @Property(tries = 3000)
    void fragmentLikeNoiseYieldsAPolicyOrTheTypedError(@ForAll("fragmentNoise") String fragment) {
        assertParsesOrRejects(fragment);
    }

    private static void assertParsesOrRejects(String fragment) {
        for (UrlKind kind : new UrlKind[] {UrlKind.ANSWER_URL, UrlKind.PLAY}) {
            ParseResult<CallbackTarget> result = FragmentParser.parse("https://example.com/a#" + fragment, kind);
            assertThat(result).isNotNull();
            if (result instanceof ParseResult.Rejected<CallbackTarget> rejected) {
                assertThat(rejected.error().field()).isNotBlank();
                assertThat(rejected.error().detail()).isNotBlank();
            } else {
                assertThat(result.orElseThrow().url().text()).isEqualTo("https://example.com/a");
            }
        }
    }

    @Provide
    Arbitrary<String> fragmentNoise() {
        Arbitrary<String> token = Arbitraries.of("ct", "rt", "tt", "rc", "rp", "er", "=", "&", ",", "%", "%2C", "%3", "0",
                "100", "5", "99999999999", "-", "all", "ct", "5xx", "4xx", "frankfurt", "nearest", "local", "#", "+", " ", "é",
                "\uD800");
        return token.list().ofMaxSize(20).map(parts -> String.join("", parts));
    }

    @Property(tries = 2000)
    void formattingAPolicyAndParsingItBackGivesTheSamePolicy(@ForAll("policies") CallbackPolicy policy) {
        CallbackPolicy reparsed = FragmentParser.parse("https://example.com/a?b=c#" + policy.toFragment(), UrlKind.ANSWER_URL)
                .orElseThrow()
                .policy();
        assertThat(reparsed).isEqualTo(policy);
    }

    @Provide
    Arbitrary<CallbackPolicy> policies() {
        Arbitrary<Set<FailureClass>> retryOn = Arbitraries.subsetOf(FailureClass.RETRYABLE).ofMinSize(1)
                .map(set -> (Set<FailureClass>) EnumSet.copyOf(set));
        Arbitrary<EdgeRegion> edgeRegion = Arbitraries.oneOf(
                Arbitraries.of(EdgeRegion.NEAREST, EdgeRegion.LOCAL),
                Arbitraries.of(Region.class).map(EdgeRegion::fixed));
        return Combinators.combine(
                        Arbitraries.integers().between(100, 10_000),
                        Arbitraries.integers().between(100, 40_000),
                        Arbitraries.integers().between(100, 55_000),
                        Arbitraries.integers().between(0, 5),
                        retryOn,
                        edgeRegion)
                .as((ct, rt, tt, rc, rp, er) -> new CallbackPolicy(ct, rt, OptionalInt.of(tt), rc, rp, er));
    }
}
