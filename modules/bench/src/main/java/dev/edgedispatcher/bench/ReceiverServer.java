package dev.edgedispatcher.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * A 200-OK receiver in a process of its own, listening on every local address so that each
 * 127.x.y.z is a destination of its own: {@code /slow...} answers after 100 ms, anything else at
 * once. Args: port [event loops]. Prints {@code receiving on PORT} when ready.
 */
public final class ReceiverServer {

    private ReceiverServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        for (int i = 0; i < loops; i++) {
            vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(8192).setIdleTimeout(60))
                    .requestHandler(request -> request.body().onComplete(body -> {
                        if (request.path().startsWith("/slow")) {
                            vertx.setTimer(100, id -> request.response().end("ok"));
                        } else {
                            request.response().end("ok");
                        }
                    })).listen(port, "0.0.0.0").await(10, TimeUnit.SECONDS);
        }
        System.out.println("receiving on " + port);
        System.out.flush();
    }
}
