package dev.timeline.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code scripts/cluster status --json} says of the processes of a cluster: the lab reads
 * this document, never the human {@code status} text.
 *
 * @param nodes   by node number, as the cluster description lists them
 * @param journal the journal's kind (h2, postgres, external) and state (running, paused, crashed, stopped)
 */
public record ClusterStatus(String hosts, List<Node> nodes, Journal journal, String frontDoor) {
  /** States a node can be in: its /health answers 200, it runs but does not, SIGSTOPped, no process. */
  public enum State { up, unhealthy, paused, dead }

  /** A node; {@code pid} is the last one recorded (0 if none); {@code health} the /health status (0: no answer, -1: not asked). */
  public record Node(int node, State state, long pid, int health, String host, int arteryPort, int httpPort, String adminHost,
                     int adminPort) {}

  public record Journal(String kind, String state, long pid) {}

  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }

  /** Parses the document; a missing or mistyped field is an error naming it. */
  public static ClusterStatus parse(String json) {
    JsonNode doc;
    try {
      doc = Http.JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("scripts/cluster status --json printed no JSON: " + e.getMessage() + "\n" + json, e);
    }
    if (doc == null || !doc.isObject()) throw bad("not a JSON object: " + json);
    List<Node> nodes = new ArrayList<>();
    for (JsonNode n : field(doc, "nodes", JsonNode::isArray, "a list")) {
      String state = text(n, "state");
      State s;
      try {
        s = State.valueOf(state);
      } catch (IllegalArgumentException unknown) {
        throw bad("node state '" + state + "' is none of up, unhealthy, paused, dead");
      }
      nodes.add(new Node(whole(n, "node"), s, optionalWhole(n, "pid", 0), optionalWhole(n, "health", -1), text(n, "host"),
          whole(n, "arteryPort"), whole(n, "httpPort"), text(n, "adminHost"), whole(n, "adminPort")));
    }
    JsonNode j = field(doc, "journal", JsonNode::isObject, "an object");
    JsonNode door = field(doc, "frontDoor", d -> d.isNull() || d.isTextual(), "a string or null");
    return new ClusterStatus(text(doc, "hosts"), nodes, new Journal(text(j, "kind"), text(j, "state"), optionalWhole(j, "pid", 0)),
        door.isNull() ? null : door.asText());
  }

  public Optional<Node> node(int number) {
    return nodes.stream().filter(n -> n.node() == number).findFirst();
  }

  /** The numbers of the nodes with no process. */
  public List<Integer> dead() {
    return nodes.stream().filter(n -> n.state() == State.dead).map(Node::node).toList();
  }

  private static JsonNode field(JsonNode o, String name, java.util.function.Predicate<JsonNode> valid, String what) {
    JsonNode v = o.get(name);
    if (v == null) throw bad("no '" + name + "'");
    if (!valid.test(v)) throw bad("'" + name + "' is not " + what);
    return v;
  }

  private static String text(JsonNode o, String name) {
    return field(o, name, JsonNode::isTextual, "a string").asText();
  }

  private static int whole(JsonNode o, String name) {
    return field(o, name, x -> x.isIntegralNumber() && x.canConvertToInt(), "a whole number").asInt();
  }

  private static int optionalWhole(JsonNode o, String name, int ifNull) {
    JsonNode v = field(o, name, x -> x.isNull() || x.isIntegralNumber() && x.canConvertToInt(), "a whole number or null");
    return v.isNull() ? ifNull : v.asInt();
  }

  private static IllegalStateException bad(String why) {
    return new IllegalStateException("scripts/cluster status --json: " + why);
  }
}
