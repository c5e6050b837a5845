package dev.timeline.lab.history;

/** What a client operation does; the names are those used in experiment files and reports. */
public enum OpType {
  /** POST /users/{id}/tweets */
  post,
  /** GET /users/{id}/timeline: the home timeline */
  home,
  /** GET /users/{id}/tweets: the user's own tweets */
  user
}
