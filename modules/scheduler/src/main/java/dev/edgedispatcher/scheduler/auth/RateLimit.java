package dev.edgedispatcher.scheduler.auth;

/**
 * A token bucket's shape, per API key: {@code perSecond} tokens refill every second up to
 * {@code burst}. A request costs 1, a batch its number of jobs (at most {@code burst}).
 */
public record RateLimit(double perSecond, int burst) {

    public RateLimit {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1, not "
                    + perSecond + "/s burst " + burst);
        }
    }

    /** Parses {@code N/s} (or a bare {@code N}); the burst defaults to twice the rate, at least 1. */
    public static RateLimit parse(String text, Integer burst) {
        String rate = text.trim();
        if (rate.endsWith("/s")) {
            rate = rate.substring(0, rate.length() - 2);
        }
        double perSecond;
        try {
            perSecond = Double.parseDouble(rate);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a rate limit reads N/s (e.g. 100/s), not '" + text + "'");
        }
        return new RateLimit(perSecond, burst != null ? burst : (int) Math.max(1, Math.ceil(perSecond * 2)));
    }
}
