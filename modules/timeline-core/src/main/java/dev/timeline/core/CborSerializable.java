package dev.timeline.core;

/**
 * Marker for every message, event and snapshot that crosses a serializer. Bound to Jackson CBOR
 * in reference.conf; Java serialization stays off.
 */
public interface CborSerializable {}
