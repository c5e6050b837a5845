package dev.timeline.node;

import java.util.Arrays;
import java.util.List;

/**
 * The path templates of the public port ({@link OpsRoutes}, {@link TimelineRoutes},
 * {@link Wrk2Routes}), for metric labels: a request's path maps to its template ({@code /users/alice/timeline} to
 * {@code /users/{id}/timeline}), never to itself, so a label takes only the values listed here
 * (plus {@link #UNMATCHED}) however many users there are. Akka HTTP's routing DSL has no template
 * to ask a request for, so the table repeats the routes' paths; a path it lacks is counted as
 * unmatched, never by its raw text.
 */
public final class RouteTemplates {

  /** Every path no template matches (unknown paths, trailing slashes, empty segments). */
  public static final String UNMATCHED = "unmatched";

  /** Segment by segment; {@code {name}} matches any one non-empty segment. First match wins. */
  static final List<String> TEMPLATES = List.of(
      "/health",
      "/metrics",
      "/metrics/prometheus",
      "/cluster",
      "/users",
      "/users/{id}",
      "/users/{id}/following/{other}",
      "/users/{id}/tweets",
      "/users/{id}/timeline",
      "/wrk2-api/user/register",
      "/wrk2-api/user/follow",
      "/wrk2-api/user/unfollow",
      "/wrk2-api/post/compose",
      "/wrk2-api/home-timeline/read",
      "/wrk2-api/user-timeline/read");

  private static final List<String[]> SEGMENTS = TEMPLATES.stream().map(RouteTemplates::segments).toList();

  private RouteTemplates() {}

  /** The template of {@code path} (a URI's path, without query), or {@link #UNMATCHED}. */
  public static String of(String path) {
    String[] given = segments(path);
    for (int t = 0; t < SEGMENTS.size(); t++)
      if (matches(SEGMENTS.get(t), given)) return TEMPLATES.get(t);
    return UNMATCHED;
  }

  private static boolean matches(String[] template, String[] given) {
    if (given == null || template.length != given.length) return false;
    for (int i = 0; i < template.length; i++) {
      boolean variable = template[i].startsWith("{");
      if (given[i].isEmpty() || (!variable && !template[i].equals(given[i]))) return false;
    }
    return true;
  }

  /** "/a/b" to [a, b]; null for a path that does not start with '/'. "/a/" keeps its empty last segment (and so matches nothing). */
  private static String[] segments(String path) {
    if (path == null || !path.startsWith("/")) return null;
    String[] parts = path.split("/", -1);
    return Arrays.copyOfRange(parts, 1, parts.length);
  }
}
