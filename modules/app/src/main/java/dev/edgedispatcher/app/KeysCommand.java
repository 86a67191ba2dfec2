package dev.edgedispatcher.app;

import dev.edgedispatcher.scheduler.auth.ApiKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dispatcher keys}: API keys of the accounts file. See docs/operations.md, "Accounts and API
 * keys".
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manages the API keys of the accounts file.",
        subcommands = KeysCommand.Create.class)
final class KeysCommand implements Runnable {

    @Spec
    CommandSpec keysSpec;

    /** `dispatcher keys` alone: its usage, listing `create`. */
    @Override
    public void run() {
        keysSpec.commandLine().usage(keysSpec.commandLine().getOut());
    }

    /** Default accounts file: {@code accounts.json} in the data dir, where `up` finds it too. */
    static final String ACCOUNTS_FILE = "accounts.json";

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates an API key for an account: prints it once and stores only its SHA-256.",
                    "The hash goes to the accounts file (\"api_keys\" under the account); every other field is kept.",
                    "Running schedulers read the file at start: restart them to accept the key."})
    static final class Create implements Callable<Integer> {

        @Option(names = "--account", paramLabel = "A", required = true, description = "The account the key acts for.")
        String account;

        @Option(names = "--accounts", paramLabel = "FILE",
                description = "The accounts file (default: accounts.json in the data dir).")
        Path accountsFile;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "The data dir of `up`, whose accounts.json is used when --accounts is not given"
                        + " (default: ~/.local/share/edge-dispatcher, or $XDG_DATA_HOME/edge-dispatcher when that is set).")
        Path dataDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path file = accountsFile != null ? accountsFile
                    : (dataDir != null ? dataDir : UpCommand.defaultDataDir()).resolve(ACCOUNTS_FILE);
            ApiKeys.Created created;
            try {
                created = ApiKeys.create(file, account);
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return ExitCode.INVALID_INPUT;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(created.key());
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            err.println("created API key " + created.id() + " for account '" + account + "' in " + file.toAbsolutePath()
                    + ": it is shown only now (the file keeps its hash); restart the scheduler to accept it;"
                    + " send it as Authorization: Bearer <key>");
            err.flush();
            return 0;
        }
    }
}
