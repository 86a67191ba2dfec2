package dev.edgedispatcher.scheduler;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one HTTP client of the API tests, here and in the app's tests (through this module's test
 * jar): requests to one base URL, each answered as an {@link ApiResponse}.
 *
 * <p>Every request has a timeout ({@link #DEFAULT_TIMEOUT} unless {@link #withTimeout} says
 * otherwise), so a server that never answers fails a test instead of hanging it. A request with a
 * body says {@code content-type: application/json} unless its headers name another. A refused or
 * cut connection and a timeout are thrown as the {@link IOException} the JDK's client throws: the
 * fault tests tell a request the kill cut from one that got an answer by it. An instance is
 * immutable and may be shared between threads.
 */
public final class ApiClient {

    /** How long a request may wait for its answer unless {@link #withTimeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** One JDK client for every instance: its connections are pooled per server. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final Duration timeout;
    /** Name, value, name, value...: sent with every request (an API key). */
    private final List<String> headers;

    private ApiClient(String base, Duration timeout, List<String> headers) {
        this.base = base;
        this.timeout = timeout;
        this.headers = List.copyOf(headers);
    }

    /** A client of the server at {@code baseUrl} (e.g. {@code http://127.0.0.1:8080}, no trailing slash). */
    public static ApiClient of(String baseUrl) {
        return new ApiClient(baseUrl, DEFAULT_TIMEOUT, List.of());
    }

    /** A client of the server on loopback port {@code port}. */
    public static ApiClient local(int port) {
        return of("http://127.0.0.1:" + port);
    }

    /** The same client with another per-request timeout. */
    public ApiClient withTimeout(Duration requestTimeout) {
        return new ApiClient(base, requestTimeout, headers);
    }

    /** The same client sending {@code name: value} with every request. */
    public ApiClient withHeader(String name, String value) {
        List<String> more = new ArrayList<>(headers);
        more.add(name);
        more.add(value);
        return new ApiClient(base, timeout, more);
    }

    /** The same client sending {@code Authorization: Bearer <key>} with every request. */
    public ApiClient withBearer(String apiKey) {
        return withHeader("authorization", "Bearer " + apiKey);
    }

    /** The base URL, e.g. for a command's {@code --server}. */
    public String base() {
        return base;
    }

    public ApiResponse get(String path, String... headers) throws IOException, InterruptedException {
        return send("GET", path, null, headers);
    }

    public ApiResponse post(String path, String body, String... headers) throws IOException, InterruptedException {
        return send("POST", path, body, headers);
    }

    /**
     * {@code method path} with {@code body} (none when null) and {@code headers} as name, value
     * pairs, after the client's own.
     */
    public ApiResponse send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        return send(build(method, path, body, headers));
    }

    /** As {@link #send(String, String, String, String...)}, without waiting: for requests that must race. */
    public CompletableFuture<ApiResponse> sendAsync(String method, String path, String body, String... headers) {
        return HTTP.sendAsync(build(method, path, body, headers), HttpResponse.BodyHandlers.ofString())
                .thenApply(ApiResponse::of);
    }

    /**
     * A request to {@code path} with the client's timeout and headers, to finish by hand and pass to
     * {@link #send(HttpRequest)}: for what the methods above do not cover (a streamed body).
     */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        return request;
    }

    public ApiResponse send(HttpRequest request) throws IOException, InterruptedException {
        return ApiResponse.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private HttpRequest build(String method, String path, String body, String... extra) {
        if (extra.length % 2 != 0) {
            throw new IllegalArgumentException("headers come as name, value pairs: " + List.of(extra));
        }
        HttpRequest.Builder request = request(path);
        boolean contentType = false;
        for (int i = 0; i < extra.length; i += 2) {
            request.header(extra[i], extra[i + 1]);
            contentType |= extra[i].equalsIgnoreCase("content-type");
        }
        for (int i = 0; i < headers.size(); i += 2) {
            contentType |= headers.get(i).equalsIgnoreCase("content-type");
        }
        if (body != null && !contentType) {
            request.header("content-type", "application/json");
        }
        return request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Override
    public String toString() {
        return "ApiClient[" + base + "]";
    }
}
