package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContextBuilder;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.TestCertificate;
import io.windsock.interop.harness.Transport;
import io.windsock.server.WindsockOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * https and wss on one port: the real socket.io-client 4.8, trusting a certificate made for the test,
 * over polling, WebSocket and the upgrade, with the key and certificate as PEM files or as a Netty
 * {@code SslContext}. Real server, two event loops.
 */
class TlsTest {
    @TempDir
    static Path folder;
    private static TestCertificate certificate;

    @RegisterExtension
    final Interop interop = new Interop();

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = TestCertificate.generate(folder);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theRealClientConnectsOverTlsWithPemFiles(Transport transport) {
        assertServesOverTls(o -> o.tls(certificate.certificatePem(), certificate.privateKeyPem()), transport);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theRealClientConnectsOverTlsWithAnSslContext(Transport transport) throws Exception {
        var context = SslContextBuilder.forServer(certificate.keyManagerFactory()).build();
        assertServesOverTls(o -> o.tls(context), transport);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        Windsock server = interop.server(o -> o.ioThreads(2).tls(certificate.certificatePem(), certificate.privateKeyPem()));
        Mailbox<String> joined = interop.mailbox("sockets that joined /");
        server.of("/").onConnection(socket -> joined.put(socket.id()));
        ClientSocket socket = interop.client().connect("https://127.0.0.1:" + server.port(), Transport.POLLING.clientOptions());
        socket.expectConnectError();
    }

    @Test
    void plainHttpIsNotServedOnATlsPort() {
        Windsock server = interop.server(o -> o.ioThreads(2).tls(certificate.certificatePem(), certificate.privateKeyPem()));
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("GET", "/socket.io/?EIO=4&transport=polling", null);
            assertTrue(raw.closedByServer(), "a plain HTTP request on the TLS port was not closed");
        }
    }

    @Test
    void badKeyMaterialFailsWhenTheOptionsAreBuilt() throws Exception {
        Path notPem = java.nio.file.Files.writeString(folder.resolve("not.pem"), "not a certificate");
        assertThrows(IllegalArgumentException.class, () -> WindsockOptions.builder().tls(notPem, notPem));
        assertThrows(IllegalArgumentException.class,
                () -> WindsockOptions.builder().tls(folder.resolve("missing.crt"), certificate.privateKeyPem()));
        var client = io.netty.handler.ssl.SslContextBuilder.forClient().build();
        assertThrows(IllegalArgumentException.class, () -> WindsockOptions.builder().tls(client));
    }

    private void assertServesOverTls(UnaryOperator<WindsockOptions.Builder> tls, Transport transport) {
        Windsock server = interop.server(o -> tls.apply(o.ioThreads(2)));
        Mailbox<Boolean> secure = interop.mailbox("handshake.secure()");
        server.of("/").onConnection(socket -> {
            secure.put(socket.handshake().secure());
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
        });
        Map<String, Object> options = new LinkedHashMap<>(transport.clientOptions());
        options.put("ca", certificate.certificateText());  // trust the test certificate, check it as usual
        ClientSocket socket = interop.client().connect("https://127.0.0.1:" + server.port(), options);
        socket.expectConnect();
        assertTrue(secure.take());
        if (transport == Transport.UPGRADE) {
            socket.awaitUpgrade();
        }
        assertEquals(transport.finalTransport(), socket.transport());
        assertEquals("[\"over tls\"]", socket.emitWithAck("echo", "over tls").args().toString());
    }
}
