package org.fcproc.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fcproc.host.HostOps;
import org.junit.jupiter.api.Test;

/** Keeps {@code REVIEWERS.md} true: its step vocabulary, its examples and its call names. */
class ReviewersGuideTest {
  private static final Path GUIDE = Path.of("REVIEWERS.md");
  private static final Path EXAMPLES = Path.of("src/test/resources/features/reviewer-examples.feature");
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|");

  private static String guide() throws IOException {
    return Files.readString(GUIDE, StandardCharsets.UTF_8);
  }

  private static String section(String text, String from, String to) {
    int start = text.indexOf(from);
    int end = text.indexOf(to, start);
    assertThat(start).as("section %s", from).isNotNegative();
    return text.substring(start, end < 0 ? text.length() : end);
  }

  static Set<String> stepExpressions() throws Exception {
    Set<String> expressions = new TreeSet<>();
    try (Stream<Path> classes = Files.list(Path.of("target/test-classes/org/fcproc/features/steps"))) {
      for (Path p : classes.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = p.getFileName().toString().replace(".class", "");
        if (name.contains("$")) {
          continue;
        }
        for (Method m : Class.forName("org.fcproc.features.steps." + name).getDeclaredMethods()) {
          Given g = m.getAnnotation(Given.class);
          When w = m.getAnnotation(When.class);
          Then t = m.getAnnotation(Then.class);
          if (g != null) expressions.add(g.value());
          if (w != null) expressions.add(w.value());
          if (t != null) expressions.add(t.value());
        }
      }
    }
    return expressions;
  }

  @Test
  void theVocabularyListsEveryStepAndNoOther() throws Exception {
    Set<String> documented = new TreeSet<>();
    for (String line : section(guide(), "## Step vocabulary", "### Host calls").split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        documented.add(m.group(1));
      }
    }
    Set<String> defined = stepExpressions();
    assertThat(defined).as("step definitions").isNotEmpty();
    assertThat(documented).as("steps in REVIEWERS.md").containsExactlyInAnyOrderElementsOf(defined);
  }

  @Test
  void theWorkedExamplesAreRealScenarios() throws IOException {
    String examples = Files.readString(EXAMPLES, StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```gherkin\n(.*?)```", Pattern.DOTALL)
        .matcher(section(guide(), "## Adding an attack without Java", "\u0000"));
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).hasSize(2);
    for (String block : blocks) {
      assertThat(examples).as("reviewer-examples.feature").contains(block);
    }
  }

  @Test
  void theHostCallsNamedAreHostOpsMethods() throws IOException {
    String calls = section(guide(), "### Host calls", "## Adding an attack");
    Set<String> methods = new TreeSet<>();
    Arrays.stream(HostOps.class.getMethods()).forEach(x -> methods.add(x.getName()));
    Matcher m = Pattern.compile("`([a-zA-Z0-9]+)`").matcher(calls);
    int named = 0;
    while (m.find()) {
      assertThat(methods).as("HostOps methods").contains(m.group(1));
      named++;
    }
    assertThat(named).isGreaterThan(20);
  }
}
