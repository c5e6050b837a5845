package dev.timeline.lab.check;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Numbers in human-readable reasons and expectations. */
final class Fmt {

  private static final int MAX_DECIMALS = 6;
  /** Enough for any configured value, few enough to hide binary noise (0.30000000000000004). */
  private static final int PLAIN_DECIMALS = 9;

  private Fmt() {}

  /** The shortest text of a configured or computed value: 1000, 0.99, 2.5. */
  static String plain(double value) {
    return round(value, PLAIN_DECIMALS).stripTrailingZeros().toPlainString();
  }

  /**
   * {@code actual} (finite) with at least {@code minDecimals} and at least as many decimals as
   * {@code bound} has, more when rounding would hide how the two compare (0.985 against 0.99 reads
   * "0.985", never "0.99 < 0.99"), without trailing zeros.
   */
  static String against(double actual, double bound, int minDecimals) {
    BigDecimal exactBound = BigDecimal.valueOf(bound);
    int wanted = Integer.signum(BigDecimal.valueOf(actual).compareTo(exactBound));
    int decimals = Math.max(minDecimals, exactBound.stripTrailingZeros().scale());
    BigDecimal shown = round(actual, decimals);
    while (Integer.signum(shown.compareTo(exactBound)) != wanted && decimals < MAX_DECIMALS) {
      decimals++;
      shown = round(actual, decimals);
    }
    return shown.stripTrailingZeros().toPlainString();
  }

  private static BigDecimal round(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
  }
}
