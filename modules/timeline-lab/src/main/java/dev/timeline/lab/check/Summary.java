package dev.timeline.lab.check;

import dev.timeline.lab.history.Op;
import java.util.List;

/**
 * The run in a line, and what the run's expectations (failed seconds, success ratio) are checked
 * against; the delivery expectations are checked against each read-back's {@link DeliveryResult}.
 *
 * @param partialReads ok home-timeline reads answered partial (a followee left out in time): ok
 *                     outcomes, counted apart because the reader saw less than everything
 * @param successRatio ok / all operations over the whole run; null when there was none
 * @param failedSeconds failed windows times the window length, in seconds
 */
public record Summary(
    int ops,
    int ok,
    int fail,
    int info,
    int partialReads,
    Double successRatio,
    int failedWindows,
    double failedSeconds) {

  public static Summary of(List<Op> history, List<Window> windows, Slo slo) {
    int ok = 0;
    int fail = 0;
    int info = 0;
    int partial = 0;
    for (Op op : history) {
      if (op.partial()) partial++;
      switch (op.outcome()) {
        case ok -> ok++;
        case fail -> fail++;
        case info -> info++;
      }
    }
    int ops = history.size();
    int failedWindows = (int) windows.stream().filter(Window::failed).count();
    return new Summary(ops, ok, fail, info, partial, ops == 0 ? null : (double) ok / ops, failedWindows,
        failedWindows * slo.windowMs() / 1000);
  }
}
