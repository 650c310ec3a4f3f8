package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's command-line section against the command line itself: every command is documented,
 * the examples stage where the sweep looks by default, and the build's manual and completion are
 * said to be where the build writes them.
 */
class ReadmeTest {
  private static final Path README = Path.of("..", "README.md");

  private static String readme() throws Exception {
    return Files.readString(README);
  }

  @Test
  void everyCommandIsDocumented() throws Exception {
    String text = readme();
    List<String> missing = new ArrayList<>();
    for (String name : leafCommands(new CommandLine(new FcprocCommand()))) {
      if (!text.contains("fcproc.jar " + name + " ") && !text.contains("fcproc.jar --json " + name + " ")
          && !text.contains("`fcproc " + name) && !text.contains("`" + name + " ")) {
        missing.add(name);
      }
    }
    assertThat(missing).as("commands the README never shows").isEmpty();
  }

  @Test
  void theExamplesUseTheSweepsDefaultFirecrackerBase() throws Exception {
    Matcher m = Pattern.compile("/srv/[^/\\s\"`]+/firecracker").matcher(readme());
    List<String> bases = new ArrayList<>();
    while (m.find()) {
      bases.add(m.group());
    }
    assertThat(bases).isNotEmpty().allMatch(MiscCommands.Sweep.DEFAULT_FIRECRACKER_BASE::equals);
  }

  @Test
  void theManPagesAndTheCompletionAreWhereTheBuildWritesThem() throws Exception {
    assertThat(readme()).contains("backend-linux/target/man/", "backend-linux/target/fcproc_completion",
        "fcproc --version", "unknown commit");
  }

  /** "vm wait", "jail cleanup", "sweep", ...: every command that runs an action. */
  private static List<String> leafCommands(CommandLine cl) {
    List<String> out = new ArrayList<>();
    if (cl.getCommand() instanceof Action) {
      out.add(Main.commandName(cl));
    }
    cl.getSubcommands().values().forEach(sub -> out.addAll(leafCommands(sub)));
    return out;
  }
}
