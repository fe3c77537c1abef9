package io.windsock.redis.internal;

import io.windsock.adapter.EncodedPacket;
import io.windsock.protocol.SocketPacket;

/** An {@link EncodedPacket} as a test's fake namespace makes it: the packet and its offset, nothing encoded. */
record PlainEncodedPacket(SocketPacket packet, String offset) implements EncodedPacket {
}
