package org.fcproc.features.report;

import io.cucumber.gherkin.GherkinParser;
import io.cucumber.messages.types.Envelope;
import io.cucumber.messages.types.Examples;
import io.cucumber.messages.types.Feature;
import io.cucumber.messages.types.FeatureChild;
import io.cucumber.messages.types.Rule;
import io.cucumber.messages.types.RuleChild;
import io.cucumber.messages.types.Scenario;
import io.cucumber.messages.types.TableRow;
import io.cucumber.messages.types.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The attack catalogue, read from the feature files themselves: they are its one source.
 *
 * <p>An attack is a Gherkin {@code Rule}: the rule carries the attack's id as its one tag
 * ({@code @S1}), its name is the attack's title, its description holds a paragraph starting
 * {@code Invariant:} (what must still hold once the attack has been tried), and the scenarios
 * under it are the attack's evidence; they inherit the id tag, so {@code
 * -Dcucumber.filter.tags=@S1} runs them. The feature file names the class of all its attacks
 * with one feature tag {@code @class:<tag>} (see {@link AttackClass}).
 *
 * <p>The catalogue is consistent when every attack has at least one scenario, no two rules
 * declare one id, every rule has an id, an invariant and a known class, and no tag that looks
 * like an id ({@code @X9}) sits anywhere but on a rule — an id on a scenario either names no
 * attack or bypasses the rule that declares it. {@link #problems()} lists every breach, each
 * naming the file and line; the catalogue check fails the build on any.
 */
final class AttackCatalogue {
  /** Where the feature files live, relative to the features module (Surefire's working directory). */
  static final Path FEATURES = Path.of("src/test/resources/features");

  private static final String INVARIANT = "Invariant:";

  private final List<Attack> attacks = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  private AttackCatalogue() {}

  /** Reads every {@code *.feature} of the directory, in file-name order. */
  static AttackCatalogue read(Path directory) {
    List<Path> files;
    try (Stream<Path> s = Files.list(directory)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".feature")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the feature files in " + directory.toAbsolutePath(), e);
    }
    Map<String, String> texts = new LinkedHashMap<>();
    for (Path f : files) {
      try {
        texts.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the feature file " + f.toAbsolutePath(), e);
      }
    }
    if (texts.isEmpty()) {
      throw new IllegalStateException("no feature files in " + directory.toAbsolutePath());
    }
    return of(texts);
  }

  /** The catalogue of the given feature files (name to text), for tests of the rules above. */
  static AttackCatalogue of(Map<String, String> featureTexts) {
    AttackCatalogue c = new AttackCatalogue();
    featureTexts.forEach(c::parse);
    c.crossCheck();
    c.attacks.sort(Comparator.comparingInt((Attack a) -> a.attackClass().rank())
        .thenComparing(Attack::id, Attack::compareIds));
    return c;
  }

  List<Attack> attacks() {
    return List.copyOf(attacks);
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  Optional<Attack> attack(String id) {
    return attacks.stream().filter(a -> a.id().equals(id)).findFirst();
  }

  /** The classes that have attacks, in the matrix's order. */
  List<AttackClass> classes() {
    return attacks.stream().map(Attack::attackClass).distinct().toList();
  }

  // ------------------------------------------------------------------------------- reading

  /** Tags seen outside rules that look like ids: checked once every rule is known. */
  private final List<String[]> strayIds = new ArrayList<>();

  private void parse(String name, String text) {
    List<Envelope> envelopes = GherkinParser.builder().includeSource(false).includePickles(false).build()
        .parse(name, text.getBytes(StandardCharsets.UTF_8)).toList();
    String[] lines = text.split("\n", -1);
    for (Envelope e : envelopes) {
      e.getParseError().ifPresent(err -> problems.add(name + ": does not parse: " + err.getMessage()));
      e.getGherkinDocument().flatMap(d -> d.getFeature()).ifPresent(f -> feature(name, lines, f));
    }
  }

  private void feature(String file, String[] lines, Feature feature) {
    noIds(file, feature.getTags(), "the feature");
    List<String> classTags = feature.getTags().stream().map(Tag::getName)
        .filter(t -> t.startsWith(AttackClass.PREFIX)).toList();
    List<FeatureChild> children = feature.getChildren();
    List<Integer> starts = new ArrayList<>();
    for (FeatureChild child : children) {
      child.getScenario().ifPresent(s -> starts.add(start(s.getLocation().getLine(), s.getTags())));
      child.getRule().ifPresent(r -> {
        starts.add(start(r.getLocation().getLine(), r.getTags()));
        for (RuleChild rc : r.getChildren()) {
          rc.getScenario().ifPresent(s -> starts.add(start(s.getLocation().getLine(), s.getTags())));
        }
      });
    }
    starts.sort(Integer::compare);
    for (FeatureChild child : children) {
      child.getScenario().ifPresent(s -> noIdsInScenario(file, s, "scenario \"" + s.getName() + "\""));
      child.getRule().ifPresent(r -> rule(file, lines, starts, classTags, hasSimOnly(feature.getTags()), r));
    }
  }

  private void rule(String file, String[] lines, List<Integer> starts, List<String> classTags, boolean featureSimOnly,
      Rule rule) {
    int line = rule.getLocation().getLine().intValue();
    String where = file + ":" + line;
    List<String> ids = rule.getTags().stream().map(Tag::getName).filter(AttackCatalogue::looksLikeId)
        .map(t -> t.substring(1)).toList();
    if (ids.size() != 1) {
      problems.add(where + ": the rule \"" + rule.getName() + "\" must carry exactly one attack id tag (like @S1), not "
          + (ids.isEmpty() ? "none" : ids));
      return;
    }
    String id = ids.get(0);
    Optional<AttackClass> attackClass = Optional.empty();
    if (classTags.size() != 1) {
      problems.add(where + ": " + id + ": the feature file must carry exactly one class tag (one of "
          + AttackClass.knownTags() + "), not " + (classTags.isEmpty() ? "none" : classTags));
    } else {
      String tag = classTags.get(0).substring(AttackClass.PREFIX.length());
      attackClass = AttackClass.byTag(tag);
      if (attackClass.isEmpty()) {
        problems.add(where + ": " + id + ": the class tag " + classTags.get(0) + " is not one of " + AttackClass.knownTags());
      }
    }
    String invariant = invariant(rule.getDescription());
    if (invariant.isEmpty()) {
      problems.add(where + ": " + id + ": the rule's description has no paragraph starting \"" + INVARIANT + "\"");
    }
    if (rule.getName().isBlank()) {
      problems.add(where + ": " + id + ": the rule has no title (the text after \"Rule:\")");
    }
    List<CatalogueScenario> scenarios = new ArrayList<>();
    for (RuleChild rc : rule.getChildren()) {
      rc.getBackground().ifPresent(b -> problems.add(where + ": " + id
          + ": a rule of the catalogue has no Background of its own; put the Givens in its scenarios"));
      rc.getScenario().ifPresent(s -> {
        noIdsInScenario(file, s, id + "'s scenario \"" + s.getName() + "\"");
        scenarios.add(scenario(file, lines, starts, featureSimOnly || hasSimOnly(rule.getTags()), s));
      });
    }
    if (scenarios.isEmpty()) {
      problems.add(where + ": " + id + " has no scenario: write one under its rule");
    }
    if (attack(id).isPresent()) {
      Attack other = attack(id).get();
      problems.add(where + ": " + id + " is declared twice, also at " + other.feature() + ":" + other.line());
      return;
    }
    attackClass.ifPresent(c -> attacks.add(new Attack(id, rule.getName().strip(), invariant, c, file, line, scenarios)));
  }

  private static CatalogueScenario scenario(String file, String[] lines, List<Integer> starts, boolean inheritedSimOnly,
      Scenario s) {
    int line = s.getLocation().getLine().intValue();
    Set<Integer> rows = new HashSet<>();
    for (Examples ex : s.getExamples()) {
      for (TableRow row : ex.getTableBody()) {
        rows.add(row.getLocation().getLine().intValue());
      }
    }
    int from = start(s.getLocation().getLine(), s.getTags());
    int next = starts.stream().filter(x -> x > from).findFirst().orElse(lines.length + 1);
    return new CatalogueScenario(file, s.getName().strip(), line, rows, source(lines, from, next - 1),
        inheritedSimOnly || hasSimOnly(s.getTags()));
  }

  /** The first line of a child: its first tag's, or its keyword's. */
  private static int start(Long keywordLine, List<Tag> tags) {
    return tags.stream().mapToInt(t -> t.getLocation().getLine().intValue()).min().orElse(keywordLine.intValue());
  }

  /** Lines {@code from..to} (1-based, inclusive), trailing blank lines dropped, common indent removed. */
  private static String source(String[] lines, int from, int to) {
    List<String> out = new ArrayList<>(Arrays.asList(lines).subList(from - 1, Math.min(to, lines.length)));
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    int indent = out.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    return out.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
  }

  /** The description's paragraph that starts with "Invariant:", its lines joined, the word dropped. */
  static String invariant(String description) {
    if (description == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    boolean in = false;
    for (String raw : description.split("\n")) {
      String l = raw.strip();
      if (!in && l.startsWith(INVARIANT)) {
        in = true;
        l = l.substring(INVARIANT.length()).strip();
      } else if (in && l.isEmpty()) {
        break;
      } else if (!in) {
        continue;
      }
      sb.append(sb.length() == 0 ? "" : " ").append(l);
    }
    return sb.toString().strip();
  }

  private void noIdsInScenario(String file, Scenario s, String what) {
    noIds(file, s.getTags(), what);
    for (Examples ex : s.getExamples()) {
      noIds(file, ex.getTags(), what + "'s examples");
    }
  }

  private void noIds(String file, List<Tag> tags, String what) {
    for (Tag t : tags) {
      if (looksLikeId(t.getName())) {
        strayIds.add(new String[] {file + ":" + t.getLocation().getLine(), t.getName().substring(1), what});
      }
    }
  }

  private void crossCheck() {
    for (String[] s : strayIds) {
      problems.add(s[0] + ": " + s[2] + " carries @" + s[1] + ", "
          + (attack(s[1]).isPresent()
              ? "which belongs on its rule only (" + attack(s[1]).get().feature() + ":" + attack(s[1]).get().line() + ")"
              : "which is not in the catalogue: declare it as a Rule tagged @" + s[1]));
    }
  }

  private static boolean hasSimOnly(List<Tag> tags) {
    return tags.stream().anyMatch(t -> t.getName().equals(CatalogueScenario.SIM_ONLY));
  }

  private static boolean looksLikeId(String tag) {
    return tag.length() > 1 && tag.charAt(0) == '@' && Attack.ID.matcher(tag.substring(1)).matches();
  }
}
