package io.heartguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import org.junit.jupiter.api.Test;

/**
 * Help text is wrapped by picocli to the terminal's width, so a description holds whole paragraphs: a line break
 * inside a sentence (a new array element, or %n) shows as a ragged break in the middle of picocli's own wrapping, and
 * the command list shows only a description's first line, which must then be a whole sentence.
 */
class HelpTextTest {
  /** A line may end a paragraph when it ends a sentence, introduces a list, or is itself a list or table row. */
  private static final Pattern ENDS_A_PARAGRAPH = Pattern.compile(".*[.:!?]\\)?\\s*$");
  private static final Pattern LIST_OR_TABLE_ROW = Pattern.compile("^\\s+\\S.*|^[-*] .*");

  private static List<CommandLine> everyCommand() {
    List<CommandLine> all = new ArrayList<>();
    collect(Main.commandLine(""), all);
    return all;
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
  }

  private static List<String> lines(String[] text) {
    List<String> lines = new ArrayList<>();
    for (String element : text) {
      for (String line : element.split("%n", -1)) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void everyCommandsSummaryInTheCommandListIsACompleteSentence() {
    for (CommandLine command : everyCommand()) {
      CommandSpec spec = command.getCommandSpec();
      String[] summary = spec.usageMessage().header().length > 0 ? spec.usageMessage().header()
          : spec.usageMessage().description();
      assertThat(summary).as("%s has a summary", spec.qualifiedName()).isNotEmpty();
      assertThat(lines(summary).get(0)).as("the summary of %s", spec.qualifiedName()).matches(ENDS_A_PARAGRAPH);
    }
  }

  @Test
  void noDescriptionBreaksALineInsideASentence() {
    List<String> broken = new ArrayList<>();
    for (CommandLine command : everyCommand()) {
      CommandSpec spec = command.getCommandSpec();
      check(spec.qualifiedName(), spec.usageMessage().description(), broken);
      for (ArgSpec arg : spec.args()) {
        check(spec.qualifiedName() + " " + (arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName()
            : arg.paramLabel()), arg.description(), broken);
      }
    }
    assertThat(broken).isEmpty();
  }

  private static void check(String where, String[] text, List<String> broken) {
    List<String> lines = lines(text);
    for (int i = 0; i + 1 < lines.size(); i++) {
      String line = lines.get(i);
      String next = lines.get(i + 1);
      boolean paragraphEnds = line.isBlank() || next.isBlank() || ENDS_A_PARAGRAPH.matcher(line).matches();
      boolean rows = LIST_OR_TABLE_ROW.matcher(line).matches() || LIST_OR_TABLE_ROW.matcher(next).matches();
      if (!paragraphEnds && !rows) {
        broken.add(where + ": \"" + line + "\" / \"" + next + "\"");
      }
    }
  }
}
