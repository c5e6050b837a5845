/**
 * The endpoints a node serves only for the lab, on its admin port and only when NodeMain is asked
 * to ({@code --fault-injection}: {@link dev.timeline.node.lab.FaultRoutes} with its
 * {@link dev.timeline.node.lab.LinkDelay} and {@link dev.timeline.node.lab.JournalWriters};
 * {@code --bulk-import}: {@link dev.timeline.node.lab.ImportRoutes}). Nothing of the product
 * depends on this package: it is the seam between the node and its test bench.
 */
package dev.timeline.node.lab;
