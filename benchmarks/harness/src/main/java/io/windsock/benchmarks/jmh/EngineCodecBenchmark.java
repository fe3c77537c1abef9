package io.windsock.benchmarks.jmh;

import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EngineDecodeException;
import io.windsock.internal.engine.codec.EnginePacket;
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
 * Engine.IO v4 codec: one message packet of 32 B, 1 KB or 16 KB, text or binary, as a WebSocket
 * frame ({@code encodeFrame}/{@code decodeFrame}; binary frames carry the bytes as they are) and as a
 * long-polling payload ({@code encodePayload}/{@code decodePayload}; binary as {@code b} + base64).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineCodecBenchmark {
    @Param({"32", "1024", "16384"})
    public int size;

    @Param({"text", "binary"})
    public String kind;

    private final EngineCodecV4 codec = EngineCodecV4.INSTANCE;
    private EnginePacket packet;
    private List<EnginePacket> payloadPackets;
    private String textFrame;
    private byte[] binaryFrame;
    private String payload;

    @Setup
    public void setUp() {
        if ("text".equals(kind)) {
            packet = EnginePacket.message(Payloads.text(size));
            textFrame = codec.encodeText(packet);
        } else {
            packet = EnginePacket.message(Payloads.binary(size));
            binaryFrame = codec.encodeBinaryFrame(packet);
        }
        payloadPackets = List.of(packet);
        payload = codec.encodePayload(payloadPackets);
    }

    @Benchmark
    public Object encodeFrame() {
        return textFrame != null ? codec.encodeText(packet) : codec.encodeBinaryFrame(packet);
    }

    @Benchmark
    public EnginePacket decodeFrame() throws EngineDecodeException {
        return textFrame != null ? codec.decodeText(textFrame) : codec.decodeBinaryFrame(binaryFrame);
    }

    @Benchmark
    public String encodePayload() {
        return codec.encodePayload(payloadPackets);
    }

    @Benchmark
    public List<EnginePacket> decodePayload() throws EngineDecodeException {
        return codec.decodePayload(payload, 16);
    }
}
