package dev.timeline.lab;

/** Milliseconds since the measured run started: the one clock of history, faults and lags. */
record RunClock(long startNanos) {
  static RunClock startingNow() {
    return new RunClock(System.nanoTime());
  }

  double ms() {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  long nanosAt(double ms) {
    return startNanos + (long) (ms * 1e6);
  }
}
