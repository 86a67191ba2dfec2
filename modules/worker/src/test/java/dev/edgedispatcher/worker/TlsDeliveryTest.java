package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.DeliveryHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.delivery.DeliveryOutcome;
import dev.edgedispatcher.worker.sign.Accounts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTPS through the destination guard: the worker connects to the exact resolved address while TLS
 * still sees the URL's host (SNI and host-name verification), and a TLS failure is {@code ct}.
 */
class TlsDeliveryTest {

    private final SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    private final Vertx serverVertx = Vertx.vertx();
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private DeliveryHarness harness;

    @BeforeEach
    void start() throws Exception {
        String localhost = InetAddress.getAllByName("localhost")[0].getHostAddress();
        server = serverVertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()))
                .requestHandler(request -> {
                    hostHeaders.add(request.getHeader("host"));
                    request.response().end("ok");
                })
                .listen(0, localhost).await(10, TimeUnit.SECONDS);
        harness = new DeliveryHarness(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")),
                Accounts.withDefault("t"), certificate.trustOptions());
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        serverVertx.close().await(5, TimeUnit.SECONDS);
        certificate.delete();
    }

    @Test
    void httpsToTheCertificatesHostIsDelivered() throws Exception {
        DeliveryOutcome outcome = harness.deliver(job("tls-ok", "https://localhost:" + server.actualPort() + "/secure#rc=0"));
        assertThat(outcome.delivered()).as(outcome.reason()).isTrue();
        assertThat(hostHeaders).containsExactly("localhost:" + server.actualPort());
    }

    @Test
    void aCertificateForAnotherHostFailsAsCt() throws Exception {
        String localhost = InetAddress.getAllByName("localhost")[0].getHostAddress();
        String url = "https://" + (localhost.contains(":") ? "[" + localhost + "]" : localhost) + ":" + server.actualPort() + "/x#rc=1";
        DeliveryOutcome outcome = harness.deliver(job("tls-bad", url));
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.classesSeen()).containsExactly("ct", "ct");
        assertThat(harness.attemptsOf("tls-bad")).extracting(ResultEvent.Attempt::status).containsOnlyNulls();
        assertThat(hostHeaders).isEmpty();
        String reason = harness.attemptsOf("tls-bad").get(0).reason();
        assertThat(reason).startsWith("connect failed").containsAnyOf("SSL", "certificate", "Certificate", "No subject alternative");
    }
}
