package io.windsock.benchmarks.jmh;

import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.internal.protocol.SocketPacketDecoder;
import io.windsock.internal.protocol.SocketPacketEncoder;
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
 * Socket.IO v5 codec with the default Jackson JSON codec, for the event {@code ["echo", x]} with
 * ack id 12, where {@code x} is a string of 32 B, 1 KB or 16 KB ({@code text}) or a byte array of
 * that size ({@code binary}: a BINARY_EVENT with one placeholder and one attachment), or a chat message
 * {@code {"room":..,"text":..,"n":..,"at":..}} whose text has the size ({@code object}).
 * {@code echoRoundTrip} is the codec work a server does per acked echo: decode the event, encode the
 * ack carrying the same argument.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SocketCodecBenchmark {
    @Param({"32", "1024", "16384"})
    public int size;

    @Param({"text", "binary", "object"})
    public String kind;

    private final JacksonJsonCodec json = new JacksonJsonCodec();
    private final SocketPacketEncoder encoder = new SocketPacketEncoder(json);
    private SocketPacketDecoder decoder;
    private SocketPacket event;
    private String text;
    private List<byte[]> attachments;

    @Setup
    public void setUp() {
        decoder = new SocketPacketDecoder(json, ProtocolLimits.DEFAULT);
        Object arg = Payloads.argument(kind, size);
        List<Object> args = new ArrayList<>(List.of("echo", arg));
        event = SocketPacket.event("/", args, 12);
        SocketPacketEncoder.Encoded encoded = encoder.encode(event);
        text = encoded.text();
        attachments = encoded.attachments();
    }

    @Benchmark
    public SocketPacketEncoder.Encoded encodeEvent() {
        return encoder.encode(event);
    }

    @Benchmark
    public SocketPacket decodeEvent() throws SocketDecodeException {
        return decode();
    }

    @Benchmark
    public SocketPacketEncoder.Encoded echoRoundTrip() throws SocketDecodeException {
        SocketPacket in = decode();
        List<Object> args = in.args();
        return encoder.encode(SocketPacket.ack("/", in.id(), args.subList(1, args.size())));
    }

    private SocketPacket decode() throws SocketDecodeException {
        SocketPacket packet = decoder.decode(text);
        for (int i = 0; packet == null; i++) {
            packet = decoder.addBinary(attachments.get(i));
        }
        return packet;
    }
}
