package io.windsock.benchmarks.jmh;

import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.protocol.MsgpackPacketCodec;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.protocol.SocketPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MessagePack packet format ({@code Parser.MSGPACK}) on {@link SocketCodecBenchmark}'s events, for
 * comparison in one run: {@code ["echo", x]} with ack id 12, {@code x} a string or a byte array of
 * 32 B, 1 KB or 16 KB, and ({@code object}) a chat message {@code {"room":..,"text":..,"n":..,"at":..}}
 * whose text has the size. One binary message per packet, binary inline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MsgpackCodecBenchmark {
    @Param({"32", "1024", "16384"})
    public int size;

    @Param({"text", "binary", "object"})
    public String kind;

    private final MsgpackPacketCodec codec = new MsgpackPacketCodec(new JacksonJsonCodec(), ProtocolLimits.DEFAULT);
    private SocketPacket event;
    private byte[] frame;

    @Setup
    public void setUp() {
        Object arg = Payloads.argument(kind, size);
        event = SocketPacket.event("/", new ArrayList<>(List.of("echo", arg)), 12);
        frame = codec.encode(event);
    }

    @Benchmark
    public byte[] encodeEvent() {
        return codec.encode(event);
    }

    @Benchmark
    public SocketPacket decodeEvent() throws SocketDecodeException {
        return codec.decode(frame);
    }

    @Benchmark
    public byte[] echoRoundTrip() throws SocketDecodeException {
        SocketPacket in = codec.decode(frame);
        List<Object> args = in.args();
        return codec.encode(SocketPacket.ack("/", in.id(), args.subList(1, args.size())));
    }
}
