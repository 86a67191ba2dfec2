package dev.edgedispatcher.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * A receiver that accepts connections and reads requests but never answers: every request to it
 * stays pending until the client gives up. Runs as its own process (one NIO thread) so that the
 * benchmark's JVM holds only the client side of 10,000 pending requests. Args: firstPort count
 * [report]; with {@code report} it prints {@code closed MS} for each connection the client closed
 * after sending data, MS being the time from the first byte received to the close: how long the
 * client's rt timer really took, measured outside the client.
 */
public final class StallServer {

    private StallServer() {
    }

    /** The loopback address of the i-th stalling port: 127.0.0.(10 + i). */
    static String address(int i) {
        return "127.0.0." + (10 + i);
    }

    public static void main(String[] args) throws Exception {
        int firstPort = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        boolean report = args.length > 2 && args[2].equals("report");
        Selector selector = Selector.open();
        for (int i = 0; i < count; i++) {
            ServerSocketChannel server = ServerSocketChannel.open();
            // Port firstPort + i on its own address (a worker caps jobs per host, whatever the port).
            server.bind(new InetSocketAddress(address(i), firstPort + i), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        }
        System.out.println("stalling on ports " + firstPort + ".." + (firstPort + count - 1));
        System.out.flush();
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        while (true) {
            selector.select();
            for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey key = it.next();
                it.remove();
                if (key.isAcceptable()) {
                    SocketChannel client = ((ServerSocketChannel) key.channel()).accept();
                    if (client != null) {
                        client.configureBlocking(false);
                        client.register(selector, SelectionKey.OP_READ);
                    }
                } else if (key.isReadable()) {
                    sink.clear();
                    int read;
                    try {
                        read = ((SocketChannel) key.channel()).read(sink);
                    } catch (java.io.IOException reset) {
                        read = -1;
                    }
                    if (read > 0 && key.attachment() == null) {
                        key.attach(System.nanoTime());
                    }
                    if (read < 0) {
                        key.channel().close();
                        if (report && key.attachment() != null) {
                            System.out.println("closed " + (System.nanoTime() - (Long) key.attachment()) / 1_000_000);
                        }
                    }
                }
            }
            System.out.flush();
        }
    }
}
