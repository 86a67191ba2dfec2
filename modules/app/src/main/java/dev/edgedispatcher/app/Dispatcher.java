package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.KafkaAccessDenied;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dispatcher} command line: one entry point for every part of the system. */
@Command(
        name = "dispatcher",
        mixinStandardHelpOptions = true,
        version = "edge-dispatcher 0.1.0",
        description = "Multi-region webhook dispatcher.",
        subcommands = {UpCommand.class, BrokerCommand.class, SchedulerCommand.class, WorkerCommand.class, ScaleCommand.class, KeysCommand.class, SubmitCommand.class, RedriveCommand.class, ExplainCommand.class,
                CommandLine.HelpCommand.class})
public final class Dispatcher {

    /**
     * Exit code for bad input (docs/api.md, "Command line": explain errors exit 2); picocli uses 2
     * for usage errors too.
     */
    public static final int EXIT_INVALID_INPUT = 2;
    /** Exit code when a command fails at run time (a port in use, Kafka unreachable, ...). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code when Kafka refuses the process for good: authentication failed or an ACL is missing. */
    public static final int EXIT_KAFKA_ACCESS_DENIED = 3;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line with UTF-8 output whatever the platform charset (ranges print as 100–10000). */
    public static int run(String... args) {
        return run(new PrintWriter(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
                new PrintWriter(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8), args);
    }

    /** Columns of the usage help: wide enough that no default path or URL in it is cut in two. */
    static final int USAGE_WIDTH = 100;

    /** The command line with every command, as {@link #run} uses it (the help texts' test renders it too). */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Dispatcher());
        commandLine.setUsageHelpWidth(USAGE_WIDTH);
        return commandLine;
    }

    /** Runs the command line writing to the given streams. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = commandLine();
        commandLine.setOut(out);
        commandLine.setErr(err);
        // A failure is one line a person can act on; the stack trace only with DISPATCHER_DEBUG=1.
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            var denied = KafkaAccessDenied.of(exception, "starting");
            if (denied.isPresent()) {
                err.println("error: " + denied.get().getMessage());
                err.flush();
                return EXIT_KAFKA_ACCESS_DENIED;
            }
            StringBuilder message = new StringBuilder("error: ").append(exception.getMessage());
            for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
                if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                    message.append(": ").append(cause.getMessage());
                }
            }
            err.println(message);
            if (System.getenv("DISPATCHER_DEBUG") != null) {
                exception.printStackTrace(err);
            }
            err.flush();
            return EXIT_FAILURE;
        });
        int exitCode = commandLine.execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }
}
