package dev.edgedispatcher.callback;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of URL a job can carry; audio kinds ignore the fragment and use a fixed policy. */
public enum UrlKind {
    ANSWER_URL("answer_url", false),
    FALLBACK_URL("fallback_url", false),
    HANGUP_URL("hangup_url", false),
    RING_URL("ring_url", false),
    MACHINE_DETECTION_URL("machine_detection_url", false),
    ALEG_URL("aleg_url", false),
    BLEG_URL("bleg_url", false),
    TRANSCRIPTION_URL("transcription_url", false),
    CALLBACK_URL("callback_url", false),
    ACTION("action", false),
    CONFIRM_SOUND("confirm_sound", false),
    DIAL_MUSIC("dial_music", false),
    WAIT_SOUND("wait_sound", false),
    INTERIM_SPEECH_RESULTS_CALLBACK("interim_speech_results_callback", false),
    REDIRECT("redirect", false),
    PLAY_AUDIO("play_audio", true),
    PREANSWER("preanswer", true),
    PLAY("play", true),
    CONFERENCE_MEMBER_PLAY("conference_member_play", true);

    private final String wireName;
    private final boolean audio;

    UrlKind(String wireName, boolean audio) {
        this.wireName = wireName;
        this.audio = audio;
    }

    public String wireName() {
        return wireName;
    }

    /** Audio kinds ignore the URL fragment and always use {@link CallbackPolicy#AUDIO}. */
    public boolean isAudio() {
        return audio;
    }

    public static Optional<UrlKind> fromWireName(String name) {
        for (UrlKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(UrlKind::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
