package io.windsock.interop.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A plain WebSocket client (the JDK's) for Engine.IO frames written by hand. What it receives lands in
 * mailboxes: text frames in {@link #texts()}, binary frames in {@link #binaries()}, and the close
 * status code in {@link #closes()} (1006 when the connection dropped without a close frame).
 */
public final class WsClient implements AutoCloseable {
    private final WebSocket socket;
    private final Mailbox<String> texts;
    private final Mailbox<byte[]> binaries;
    private final Mailbox<Integer> closes;

    private WsClient(WebSocket socket, Mailbox<String> texts, Mailbox<byte[]> binaries, Mailbox<Integer> closes) {
        this.socket = socket;
        this.texts = texts;
        this.binaries = binaries;
        this.closes = closes;
    }

    /** Opens a WebSocket to {@code ws://127.0.0.1:port} + {@code pathAndQuery}. */
    public static WsClient open(int port, String pathAndQuery) {
        Mailbox<String> texts = new Mailbox<>("ws text frames");
        Mailbox<byte[]> binaries = new Mailbox<>("ws binary frames");
        Mailbox<Integer> closes = new Mailbox<>("ws close");
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();
            private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    texts.put(text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                binary.writeBytes(bytes);
                if (last) {
                    binaries.put(binary.toByteArray());
                    binary.reset();
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closes.put(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closes.put(1006);
            }
        };
        CompletableFuture<WebSocket> opening = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Mailbox.DEFAULT_TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), listener);
        try {
            return new WsClient(opening.get(Mailbox.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), texts, binaries, closes);
        } catch (ExecutionException e) {
            throw new AssertionError("WebSocket to " + pathAndQuery + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("WebSocket to " + pathAndQuery + " did not open in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** @return the HTTP status the server refused a WebSocket with, failing if it accepted it. */
    public static int refusedStatus(int port, String pathAndQuery) {
        try (WsClient accepted = open(port, pathAndQuery)) {
            throw new AssertionError("the server accepted a WebSocket to " + pathAndQuery);
        } catch (AssertionError e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    public Mailbox<String> texts() {
        return texts;
    }

    public Mailbox<byte[]> binaries() {
        return binaries;
    }

    public Mailbox<Integer> closes() {
        return closes;
    }

    /** Sends a text frame (or, with {@code last} false, the first part of a fragmented message). */
    public void sendText(String text, boolean last) {
        join(socket.sendText(text, last));
    }

    public void sendText(String text) {
        sendText(text, true);
    }

    public void sendBinary(byte[] data) {
        join(socket.sendBinary(ByteBuffer.wrap(data), true));
    }

    /** @return whether the output is closed (the server closed, or we did). */
    public boolean isOutputClosed() {
        return socket.isOutputClosed();
    }

    private static void join(CompletableFuture<WebSocket> sending) {
        try {
            sending.get(Mailbox.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw new AssertionError("send failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("send did not complete in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        socket.abort();
    }
}
