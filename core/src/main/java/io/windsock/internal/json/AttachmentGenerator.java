package io.windsock.internal.json;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A generator that writes every binary value as a Socket.IO placeholder
 * {@code {"_placeholder":true,"num":n}} and keeps the bytes as attachment {@code n}. Jackson writes
 * all binary through {@code writeBinary} ({@code byte[]} and {@code ByteBuffer} anywhere: in maps,
 * lists, record and POJO fields, {@code BinaryNode}s), so one generator catches them all whatever
 * the value's type. Non-finite numbers become {@code null}, as for every {@link WireGenerator}.
 * Not thread-safe: one per encoded packet.
 */
final class AttachmentGenerator extends WireGenerator {
    private final List<byte[]> attachments;

    AttachmentGenerator(JsonGenerator delegate, List<byte[]> attachments) {
        super(delegate);
        this.attachments = attachments;
    }

    private void placeholder(byte[] bytes) throws IOException {
        JsonGenerator out = getDelegate();
        out.writeStartObject();
        out.writeBooleanField("_placeholder", true);
        out.writeNumberField("num", attachments.size());
        out.writeEndObject();
        attachments.add(bytes);
    }

    private static byte[] copy(byte[] data, int offset, int len) {
        byte[] bytes = new byte[len];
        System.arraycopy(data, offset, bytes, 0, len);
        return bytes;
    }

    private int fromStream(InputStream data, int dataLength) throws IOException {
        byte[] bytes = dataLength < 0 ? data.readAllBytes() : data.readNBytes(dataLength);
        placeholder(bytes);
        return bytes.length;
    }

    @Override
    public void writeBinary(Base64Variant b64variant, byte[] data, int offset, int len) throws IOException {
        placeholder(copy(data, offset, len));
    }

    @Override
    public void writeBinary(byte[] data, int offset, int len) throws IOException {
        placeholder(copy(data, offset, len));
    }

    @Override
    public void writeBinary(byte[] data) throws IOException {
        placeholder(data.clone());
    }

    @Override
    public int writeBinary(Base64Variant b64variant, InputStream data, int dataLength) throws IOException {
        return fromStream(data, dataLength);
    }

    @Override
    public int writeBinary(InputStream data, int dataLength) throws IOException {
        return fromStream(data, dataLength);
    }
}
