package dev.edgedispatcher.worker;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One event-loop context per event loop, through the public API. {@code vertx.getOrCreateContext()}
 * called from a thread outside Vert.x returns the same (sticky) context every time, which would put
 * every job on a single event loop and use one core.
 */
public final class EventLoopContexts {

    private EventLoopContexts() {
    }

    public static List<Context> create(Vertx vertx, int count) throws Exception {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                contexts.add(context);
                return Future.succeededFuture();
            }
        }, new DeploymentOptions().setInstances(count)).await(10, TimeUnit.SECONDS);
        return List.copyOf(contexts);
    }
}
