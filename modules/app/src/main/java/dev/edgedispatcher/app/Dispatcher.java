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
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:done (accepted; delivered with --wait)",
            "1:failed at run time, or the job failed (--wait) / a redrive was not all sent",
            "2:bad input (usage, job, filter, configuration)",
            "3:Kafka refused this process (authentication or ACL)",
            "4:scheduler unavailable (no answer, or 503): try again",
            "5:refused by the scheduler (API key, account, rate limit)",
            "6:--wait ran out before the job was final"},
        subcommands = {UpCommand.class, BrokerCommand.class, SchedulerCommand.class, WorkerCommand.class, ScaleCommand.class, KeysCommand.class, SubmitCommand.class, RedriveCommand.class, ExplainCommand.class, EvacuateCommand.class,
                CommandLine.HelpCommand.class})
public final class Dispatcher {

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
                return ExitCode.KAFKA_ACCESS_DENIED;
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
            return ExitCode.FAILED;
        });
        int exitCode = commandLine.execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }
}
