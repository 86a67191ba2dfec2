package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The repository stands alone and says true things about itself: no file refers to a contract
 * outside it, the README introduces (short, the two commands on its first screen), and every
 * module README's "Module dependencies:" line names exactly the modules its pom.xml does.
 */
class RepositoryTest {

    private static final Path ROOT = root();

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("modules")) && Files.exists(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** The tracked files (git ls-files), or every file outside build output where there is no git. */
    private static List<Path> trackedFiles() throws Exception {
        if (Files.isDirectory(ROOT.resolve(".git"))) {
            Process git = new ProcessBuilder("git", "ls-files", "-z").directory(ROOT.toFile()).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0) {
                return Stream.of(out.split("\0")).filter(name -> !name.isEmpty()).map(ROOT::resolve)
                        .filter(Files::isRegularFile).toList();
            }
        }
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(Files::isRegularFile).filter(path -> {
                String relative = ROOT.relativize(path).toString();
                return !relative.startsWith(".git/") && !relative.contains("/target/") && !relative.startsWith("target/")
                        && !relative.contains("node_modules/");
            }).toList();
        }
    }

    @Test
    void noFileRefersToAContractOutsideTheRepository() throws Exception {
        // Spelled in pieces so that this file does not match itself.
        List<String> outside = List.of("../" + "shared", "SPEC" + ".md", "SPEC" + " §");
        List<String> found = new ArrayList<>();
        List<Path> files = trackedFiles();
        assertThat(files).as("files seen").hasSizeGreaterThan(100);
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, StandardCharsets.UTF_8);
            for (String mention : outside) {
                if (text.contains(mention)) {
                    found.add(ROOT.relativize(file) + " mentions " + mention);
                }
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void theReadmeIntroducesWithTheTwoCommandsOnItsFirstScreen() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        assertThat(lines.size()).as("README.md lines").isLessThanOrEqualTo(250);
        String firstScreen = String.join("\n", lines.subList(0, Math.min(40, lines.size())));
        assertThat(firstScreen).contains("scripts/dispatcher up").contains("mvn -B verify && scripts/check-deploy");
    }

    @Test
    void everyModuleReadmeNamesExactlyItsPomsModuleDependencies() throws Exception {
        Pattern line = Pattern.compile("^Module dependencies: (.*)$", Pattern.MULTILINE);
        List<String> wrong = new ArrayList<>();
        List<Path> modules;
        try (Stream<Path> list = Files.list(ROOT.resolve("modules"))) {
            modules = list.filter(dir -> Files.exists(dir.resolve("pom.xml"))).sorted().toList();
        }
        assertThat(modules).hasSizeGreaterThanOrEqualTo(10);
        for (Path module : modules) {
            String name = module.getFileName().toString();
            Path readme = module.resolve("README.md");
            assertThat(readme).as(name + " has a README").exists();
            Matcher matcher = line.matcher(Files.readString(readme));
            if (!matcher.find()) {
                wrong.add(name + ": README has no \"Module dependencies:\" line");
                continue;
            }
            String[] parts = matcher.group(1).split("; in tests also ", 2);
            Set<String> saidMain = backticked(parts[0]);
            Set<String> saidTest = parts.length > 1 ? backticked(parts[1]) : Set.of();
            Set<String> pomMain = new LinkedHashSet<>();
            Set<String> pomTest = new LinkedHashSet<>();
            readPom(module.resolve("pom.xml"), pomMain, pomTest);
            pomTest.removeAll(pomMain);
            if (!saidMain.equals(pomMain)) {
                wrong.add(name + ": README names " + saidMain + ", pom.xml has " + pomMain);
            }
            if (!saidTest.equals(pomTest)) {
                wrong.add(name + ": README names " + saidTest + " for tests, pom.xml has " + pomTest);
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static Set<String> backticked(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = Pattern.compile("`([a-z-]+)`").matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The project's own modules among the pom's dependencies, by scope. */
    private static void readPom(Path pom, Set<String> main, Set<String> test) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        NodeList children = project.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (!(children.item(i) instanceof Element section) || !section.getTagName().equals("dependencies")) {
                continue;
            }
            NodeList dependencies = section.getElementsByTagName("dependency");
            for (int d = 0; d < dependencies.getLength(); d++) {
                Element dependency = (Element) dependencies.item(d);
                String group = text(dependency, "groupId");
                if (!group.equals("dev.edgedispatcher") && !group.equals("${project.groupId}")) {
                    continue;
                }
                (text(dependency, "scope").equals("test") ? test : main).add(text(dependency, "artifactId"));
            }
        }
    }

    private static String text(Element parent, String tag) {
        NodeList found = parent.getElementsByTagName(tag);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().trim();
    }
}
