package dev.timeline.lab.check;

/** One expectation of the experiment, e.g. ("lost", "at most 0", "3", false). */
public record ExpectationResult(String name, String expected, String actual, boolean holds) {}
