package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every help text reads as whole sentences. Picocli prints each element of a description array on
 * a line of its own and shows only the first element in the list of commands, so an array split in
 * the middle of a sentence reads "... the topics, the" there. Checked two ways: on the model (each
 * element is whole sentences), and on the usage as printed (no line ends mid-sentence where the next
 * line starts something else, and no word or path is split across lines).
 */
class HelpTextTest {

    /** Ends a sentence: a full stop, question or exclamation mark, maybe inside closing quotes or brackets. */
    private static final Pattern SENTENCE_END = Pattern.compile(".*[.!?][\"')`]*$", Pattern.DOTALL);
    /** A line that stops in the middle of a sentence: on an article, a conjunction, a preposition or a comma. */
    private static final Pattern DANGLING = Pattern.compile(".*(\\s(the|a|an|of|to|and|or|for|in|on|with|its)|,)$");
    /** The start of something new in a usage text: an option, a section heading, an entry of the command list. */
    private static final Pattern NEW_ENTRY = Pattern.compile("^(\\s*-|\\S.*:$|  [a-z][a-z-]*\\s{2,}\\S|$).*");

    @Test
    void everyDescriptionElementIsWholeSentences() {
        List<String> problems = new ArrayList<>();
        for (CommandLine command : allCommands()) {
            CommandSpec spec = command.getCommandSpec();
            String name = spec.qualifiedName();
            check(problems, name + " description", spec.usageMessage().description());
            for (ArgSpec arg : spec.args()) {
                String argName = arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName() : arg.paramLabel();
                check(problems, name + " " + argName, arg.description());
            }
        }
        assertThat(problems).as("help texts that are not whole sentences").isEmpty();
    }

    @Test
    void theTopHelpListsEveryExitCodeOnce() throws Exception {
        String usage = Dispatcher.commandLine().getUsageMessage(Ansi.OFF);
        assertThat(usage).contains("Exit codes:");
        for (java.lang.reflect.Field field : ExitCode.class.getDeclaredFields()) {
            if (field.getType() == int.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                int code = field.getInt(null);
                assertThat(usage.lines().filter(line -> line.matches("\\s+" + code + "\\s{2,}\\S.*")))
                        .as("exit code " + code + " (" + field.getName() + ") in dispatcher --help:\n" + usage).hasSize(1);
            }
        }
    }

    @Test
    void noPrintedLineEndsMidSentenceOrSplitsAWord() {
        List<String> problems = new ArrayList<>();
        for (CommandLine command : allCommands()) {
            String usage = command.getUsageMessage(Ansi.OFF);
            String[] lines = usage.split("\\R", -1);
            for (int i = 0; i < lines.length - 1; i++) {
                String line = lines[i].stripTrailing();
                String next = lines[i + 1];
                String where = command.getCommandSpec().qualifiedName() + " --help, line " + (i + 1) + ": ";
                if (DANGLING.matcher(line).matches() && NEW_ENTRY.matcher(next).matches()) {
                    problems.add(where + "ends mid-sentence: \"" + line.strip() + "\" followed by \"" + next.strip() + "\"");
                }
                String nextText = next.strip();
                boolean continuesLowercase = !nextText.isEmpty() && Character.isLowerCase(nextText.charAt(0))
                        && !NEW_ENTRY.matcher(next).matches();
                if (line.endsWith("/") || line.matches(".*\\bhttps?:$")
                        || line.matches(".*\\S\\.$") && continuesLowercase && !line.matches(".*\\s\\S*\\w\\w\\.$")) {
                    problems.add(where + "splits a word or path: \"" + line.strip() + "\" + \"" + nextText + "\"");
                }
            }
        }
        assertThat(problems).as("usage lines cut in the wrong place").isEmpty();
    }

    private static void check(List<String> problems, String where, String[] description) {
        for (String element : description) {
            // %n is picocli's line break inside one element: each part must stand on its own too.
            for (String part : element.split("%n|\\R")) {
                String text = part.strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (Character.isLowerCase(text.charAt(0))) {
                    problems.add(where + ": starts in the middle of a sentence: \"" + text + "\"");
                }
                if (!SENTENCE_END.matcher(text).matches()) {
                    problems.add(where + ": does not end a sentence: \"" + text + "\"");
                }
            }
        }
    }

    private static List<CommandLine> allCommands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Dispatcher.commandLine(), all);
        assertThat(all).hasSizeGreaterThan(8);
        return all;
    }

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, all));
    }
}
