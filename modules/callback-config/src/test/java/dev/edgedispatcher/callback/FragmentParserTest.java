package dev.edgedispatcher.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FragmentParserTest {

    private static final String BASE = "https://example.com/answer?x=1";

    static CallbackPolicy accept(String fragment) {
        ParseResult<CallbackTarget> result = FragmentParser.parse(BASE + "#" + fragment, UrlKind.ANSWER_URL);
        assertThat(result).as("fragment '%s'", fragment).isInstanceOf(ParseResult.Accepted.class);
        return result.orElseThrow().policy();
    }

    static PolicyError reject(String url, UrlKind kind) {
        ParseResult<CallbackTarget> result = FragmentParser.parse(url, kind);
        assertThat(result).as("url '%s'", url).isInstanceOf(ParseResult.Rejected.class);
        return ((ParseResult.Rejected<CallbackTarget>) result).error();
    }

    static PolicyError reject(String fragment) {
        return reject(BASE + "#" + fragment, UrlKind.ANSWER_URL);
    }

    @Test
    void noFragmentAndEmptyFragmentMeanAllDefaults() {
        CallbackTarget none = FragmentParser.parse(BASE, UrlKind.ANSWER_URL).orElseThrow();
        CallbackTarget empty = FragmentParser.parse(BASE + "#", UrlKind.ANSWER_URL).orElseThrow();
        for (CallbackTarget target : List.of(none, empty)) {
            assertThat(target.policy()).isEqualTo(CallbackPolicy.DEFAULT);
            assertThat(target.policy().connectTimeoutMs()).isEqualTo(2000);
            assertThat(target.policy().readTimeoutMs()).isEqualTo(40_000);
            assertThat(target.policy().totalTimeoutMs()).isEqualTo(OptionalInt.of(55_000));
            assertThat(target.policy().retryCount()).isEqualTo(1);
            assertThat(target.policy().retryOn()).containsExactly(FailureClass.CT, FailureClass.RT);
            assertThat(target.policy().edgeRegion()).isEqualTo(EdgeRegion.NEAREST);
            assertThat(target.fragmentApplied()).isTrue();
            assertThat(target.url().text()).isEqualTo(BASE);
        }
    }

    @Test
    void theSpecExampleParsesToEveryKey() {
        CallbackPolicy policy = accept("ct=2000&rt=3000&tt=10000&rc=3&rp=ct,rt,5xx&er=frankfurt");
        assertThat(policy).isEqualTo(new CallbackPolicy(2000, 3000, OptionalInt.of(10_000), 3,
                EnumSet.of(FailureClass.CT, FailureClass.RT, FailureClass.HTTP_5XX), EdgeRegion.fixed(Region.FRANKFURT)));
        assertThat(policy.retryOnWireNames()).containsExactly("5xx", "ct", "rt");
        assertThat(policy.maxAttempts()).isEqualTo(4);
    }

    static Stream<Arguments> numericBounds() {
        return Stream.of(
                Arguments.of("ct", 100, 10_000),
                Arguments.of("rt", 100, 40_000),
                Arguments.of("tt", 100, 55_000),
                Arguments.of("rc", 0, 5));
    }

    @ParameterizedTest(name = "{0} accepts {1} and {2}, rejects {1}-1 and {2}+1")
    @MethodSource("numericBounds")
    void numericKeysAcceptTheirRangeAndRejectOneOutside(String key, int min, int max) {
        assertThat(valueOf(key, accept(key + "=" + min))).isEqualTo(min);
        assertThat(valueOf(key, accept(key + "=" + max))).isEqualTo(max);
        String allowed = min + "–" + max;
        for (int outside : new int[] {min - 1, max + 1}) {
            PolicyError error = reject(key + "=" + outside);
            assertThat(error.field()).isEqualTo(key);
            assertThat(error.value()).isEqualTo(String.valueOf(outside));
            assertThat(error.allowed()).isEqualTo(allowed);
            assertThat(error.detail()).contains(key).contains(String.valueOf(outside)).contains(allowed);
        }
    }

    private static int valueOf(String key, CallbackPolicy policy) {
        return switch (key) {
            case "ct" -> policy.connectTimeoutMs();
            case "rt" -> policy.readTimeoutMs();
            case "tt" -> policy.totalTimeoutMs().getAsInt();
            case "rc" -> policy.retryCount();
            default -> throw new IllegalArgumentException(key);
        };
    }

    @ParameterizedTest(name = "ct=''{0}'' is not an integer")
    @ValueSource(strings = {"", "abc", "1.5", "+100", "-100", " 100", "100 ", "1e3", "0x64", "２０００", "100ms"})
    void nonIntegersAreRejectedNamingTheKey(String value) {
        PolicyError error = reject("ct=" + value.replace(" ", "%20"));
        assertThat(error.field()).isEqualTo("ct");
        assertThat(error.value()).isEqualTo(value);
        assertThat(error.detail()).contains("not an integer").contains("100–10000");
    }

    @Test
    void hugeIntegersAreOutOfRangeNotOverflowed() {
        assertThat(reject("ct=99999999999999999999").detail()).contains("out of range");
        assertThat(reject("rc=4294967297").detail()).contains("out of range");
    }

    @Test
    void leadingZerosAreTheSameNumber() {
        assertThat(accept("ct=0100").connectTimeoutMs()).isEqualTo(100);
        assertThat(accept("rc=0").retryCount()).isZero();
        assertThat(accept("rc=000").retryCount()).isZero();
    }

    @ParameterizedTest(name = "rp={0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "4xx; 4xx",
        "5xx; 5xx",
        "ct; ct",
        "rt; rt",
        "all; 4xx,5xx,ct,rt",
        "ct,rt; ct,rt",
        "rt,ct; ct,rt",
        "5xx,ct; 5xx,ct",
        "4xx,5xx,ct,rt; 4xx,5xx,ct,rt",
        "all,ct; 4xx,5xx,ct,rt",
        "ct,ct; ct",
        "ct%2Crt; ct,rt",
        "%35xx; 5xx"})
    void retryPolicyWordsAndCombinations(String rp, String expected) {
        assertThat(String.join(",", accept("rp=" + rp).retryOnWireNames())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "rp=''{0}'' is rejected")
    @ValueSource(strings = {"", ",", "ct,", ",ct", "ct,,rt", "3xx", "partial", "5XX", "ALL", "none", "ct rt", "2xx"})
    void badRetryPoliciesNameTheWordsAllowed(String rp) {
        PolicyError error = reject("rp=" + rp.replace(" ", "%20"));
        assertThat(error.field()).isEqualTo("rp");
        assertThat(error.detail()).contains("4xx, 5xx, ct, rt, all");
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void everyRegionNameIsAnEdgeRegion(Region region) {
        assertThat(accept("er=" + region.wireName()).edgeRegion()).isEqualTo(EdgeRegion.fixed(region));
    }

    @Test
    void strategiesAreEdgeRegions() {
        assertThat(accept("er=nearest").edgeRegion()).isEqualTo(EdgeRegion.NEAREST);
        assertThat(accept("er=local").edgeRegion()).isEqualTo(EdgeRegion.LOCAL);
        assertThat(accept("er=%66rankfurt").edgeRegion()).isEqualTo(EdgeRegion.fixed(Region.FRANKFURT));
    }

    @ParameterizedTest(name = "er={0} is rejected")
    @ValueSource(strings = {"", "Frankfurt", "europe", "n-california", "NEAREST", "us-east-1"})
    void unknownEdgeRegionsListTheAllowedWords(String er) {
        PolicyError error = reject("er=" + er);
        assertThat(error.field()).isEqualTo("er");
        assertThat(error.value()).isEqualTo(er);
        assertThat(error.detail()).contains("nearest, local, n_california, n_virginia, frankfurt, singapore, mumbai");
    }

    @ParameterizedTest(name = "key {0} is unknown")
    @ValueSource(strings = {"plivo_timeout", "plivo_retries", "CT", "Rt", "timeout", "x", "ct "})
    void unknownKeysListTheKeysThatExist(String key) {
        PolicyError error = reject(key.replace(" ", "%20") + "=5000");
        assertThat(error.detail()).contains("unknown key").contains("ct, rt, tt, rc, rp, er");
        assertThat(error.field()).isEqualTo("fragment");
        assertThat(error.value()).isEqualTo(key.replace(" ", "%20"));
    }

    @Test
    void plivoSummaryKeysSayWhyTheyAreUnknown() {
        PolicyError error = reject("plivo_timeout=5000&plivo_retries=3");
        assertThat(error.value()).isEqualTo("plivo_timeout");
        assertThat(error.detail()).contains("'plivo_timeout'");
        assertThat(error.detail()).contains("no table defines it");
    }

    @Test
    void repeatedKeysAreRejected() {
        PolicyError error = reject("ct=100&rt=200&ct=300");
        assertThat(error.field()).isEqualTo("ct");
        assertThat(error.detail()).contains("more than once");
    }

    @ParameterizedTest(name = "''{0}'' has a pair without =")
    @ValueSource(strings = {"ct", "ct=100&rt", "rc"})
    void aKnownKeyWithoutEqualsIsRejected(String fragment) {
        PolicyError error = reject(fragment);
        assertThat(error.detail()).contains("has no '='");
    }

    @ParameterizedTest(name = "''{0}'' has an empty pair")
    @ValueSource(strings = {"&", "ct=100&", "&ct=100", "ct=100&&rt=200"})
    void emptyPairsAreRejected(String fragment) {
        PolicyError error = reject(fragment);
        assertThat(error.field()).isEqualTo("fragment");
    }

    @ParameterizedTest(name = "malformed escape ''{0}''")
    @ValueSource(strings = {"rp=ct%2", "rp=ct%", "rp=%zzct", "er=%C3%28"})
    void malformedPercentEscapesAreRejected(String fragment) {
        PolicyError error = reject(fragment);
        assertThat(error.detail()).contains("percent-escape");
    }

    @Test
    void aPlusSignIsNotASpace() {
        assertThat(reject("er=n+california").value()).isEqualTo("n+california");
    }

    @Test
    void theValueMayHoldEqualsAndHashSignsButThenIsNotAWord() {
        assertThat(reject("er=frankfurt=1").value()).isEqualTo("frankfurt=1");
        assertThat(reject("er=frankfurt#x").value()).isEqualTo("frankfurt#x");
    }

    @ParameterizedTest(name = "url {0}")
    @ValueSource(strings = {
        "https://example.com/a?x=1&y=%20z&&w=a+b;c",
        "http://127.0.0.1:8080/cb?",
        "https://[2001:db8::1]:8443/p?q=[1]",
        "HTTPS://Example.COM/Path?Q=A",
        "https://user:pw@example.com/a"})
    void theFragmentIsStrippedAndTheRestKeptByteForByte(String url) {
        CallbackTarget target = FragmentParser.parse(url + "#rc=2", UrlKind.HANGUP_URL).orElseThrow();
        assertThat(target.url().text()).isEqualTo(url);
        assertThat(target.policy().retryCount()).isEqualTo(2);
    }

    @Test
    void hostAndPortAreReadOut() {
        HttpUrl url = FragmentParser.parse("https://user:pw@Example.com:8443/a?b#ct=100", UrlKind.ACTION).orElseThrow().url();
        assertThat(url.host()).isEqualTo("example.com");
        assertThat(url.port()).isEqualTo(8443);
        assertThat(url.isHttps()).isTrue();
        HttpUrl v6 = FragmentParser.parse("http://[::1]/x", UrlKind.ACTION).orElseThrow().url();
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(80);
    }

    @ParameterizedTest(name = "url ''{0}'' is rejected")
    @ValueSource(strings = {"", "example.com/a", "ftp://example.com/a", "https:///a", "https://exa mple.com/",
        "https://example.com:0/", "https://example.com:70000/", "https://example.com:8x/", "https://[::1/",
        "javascript:alert(1)", "#ct=100"})
    void badUrlsNameTheUrlField(String url) {
        PolicyError error = reject(url, UrlKind.ANSWER_URL);
        assertThat(error.field()).isEqualTo("url");
        assertThat(error.detail()).startsWith("url");
    }

    @Test
    void aNullUrlIsARejectionNotAnException() {
        assertThat(reject(null, UrlKind.ANSWER_URL).field()).isEqualTo("url");
    }

    static Stream<UrlKind> applicableKinds() {
        return Stream.of(UrlKind.values()).filter(kind -> !kind.isAudio());
    }

    @ParameterizedTest
    @MethodSource("applicableKinds")
    void applicableKindsApplyTheFragment(UrlKind kind) {
        CallbackTarget target = FragmentParser.parse(BASE + "#ct=300&er=mumbai", kind.wireName()).orElseThrow();
        assertThat(target.fragmentApplied()).isTrue();
        assertThat(target.policy().connectTimeoutMs()).isEqualTo(300);
        assertThat(target.policy().edgeRegion()).isEqualTo(EdgeRegion.fixed(Region.MUMBAI));
        assertThat(target.note()).isEmpty();
        assertThat(reject(BASE + "#ct=3", kind).field()).isEqualTo("ct");
    }

    @ParameterizedTest
    @EnumSource(value = UrlKind.class, names = {"PLAY_AUDIO", "PREANSWER", "PLAY", "CONFERENCE_MEMBER_PLAY"})
    void audioKindsIgnoreEvenAnInvalidFragmentAndUseTheirFixedPolicy(UrlKind kind) {
        assertThat(kind.isAudio()).isTrue();
        CallbackTarget target = FragmentParser.parse(BASE + "#ct=3&bogus", kind).orElseThrow();
        assertThat(target.fragmentApplied()).isFalse();
        assertThat(target.url().text()).isEqualTo(BASE);
        assertThat(target.note()).hasValueSatisfying(note -> assertThat(note).contains("ignored"));
        CallbackPolicy policy = target.policy();
        assertThat(policy.connectTimeoutMs()).isEqualTo(2000);
        assertThat(policy.readTimeoutMs()).isEqualTo(120_000);
        assertThat(policy.retryCount()).isEqualTo(1);
        assertThat(policy.retryOn()).isEqualTo(Set.of(FailureClass.HTTP_4XX, FailureClass.HTTP_5XX, FailureClass.CT, FailureClass.RT));
        assertThat(policy.totalTimeoutMs()).isEmpty();
        assertThat(policy.edgeRegion()).isEqualTo(EdgeRegion.LOCAL);
        assertThat(FragmentParser.parse(BASE, kind).orElseThrow().note()).isEmpty();
    }

    @Test
    void exactlyFifteenApplicableAndFourAudioKinds() {
        assertThat(applicableKinds()).hasSize(15);
        assertThat(Stream.of(UrlKind.values()).filter(UrlKind::isAudio)).hasSize(4);
    }

    @ParameterizedTest(name = "kind ''{0}'' is unknown")
    @ValueSource(strings = {"", "ANSWER_URL", "answer", "confirmSound"})
    void unknownKindsListTheKinds(String kind) {
        ParseResult<CallbackTarget> result = FragmentParser.parse(BASE, kind);
        PolicyError error = ((ParseResult.Rejected<CallbackTarget>) result).error();
        assertThat(error.field()).isEqualTo("kind");
        assertThat(error.detail()).contains("answer_url").contains("conference_member_play");
    }

    @Test
    void aHundredKilobyteFragmentIsRejectedWithoutEchoingIt() {
        String hostile = "ct=" + "1".repeat(100_000);
        PolicyError error = reject(hostile);
        assertThat(error.field()).isEqualTo("fragment");
        assertThat(error.detail()).contains("at most 1024");
        assertThat(error.value().length()).isLessThan(300);
        assertThat(reject("&".repeat(100_000)).field()).isEqualTo("fragment");
    }

    @Test
    void errorsCanBeQualifiedByTheEnclosingField() {
        PolicyError error = reject("ct=5").within("fallback_url");
        assertThat(error.field()).isEqualTo("fallback_url#ct");
        assertThat(error.detail()).startsWith("fallback_url: ct=5");
        PolicyError urlError = reject("ftp://x", UrlKind.ANSWER_URL).within("fallback_url");
        assertThat(urlError.field()).isEqualTo("fallback_url");
    }
}
