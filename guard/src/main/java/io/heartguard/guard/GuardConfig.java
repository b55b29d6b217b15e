package io.heartguard.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code --config} file: one listener per line, fields separated by white space, {@code #} starts a comment.
 *
 * <pre>
 * # listen          upstream            [policy[,policy]]          [action]
 * 0.0.0.0:443       10.0.0.5:443        block-malformed,block-leak reset
 * 127.0.0.1:10993   imap.example:993    restrict                   drop
 * 127.0.0.1:8443    127.0.0.1:4433
 * </pre>
 *
 * Missing policy and action fields take the command line's {@code --policy} and {@code --action}.
 */
public final class GuardConfig {
  private GuardConfig() {}

  public static List<ListenerSpec> read(Path file, Set<Policy> defaultPolicies, Action defaultAction)
      throws IOException {
    return parse(Files.readString(file), file.toString(), defaultPolicies, defaultAction);
  }

  public static List<ListenerSpec> parse(String text, String source, Set<Policy> defaultPolicies,
      Action defaultAction) {
    List<ListenerSpec> listeners = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      String[] fields = content.split("\\s+");
      try {
        if (fields.length < 2 || fields.length > 4) {
          throw new IllegalArgumentException("expected 'listen upstream [policies] [action]' but saw "
              + fields.length + " fields");
        }
        Set<Policy> policies = fields.length >= 3 ? Policy.parseList(fields[2]) : defaultPolicies;
        Action action = fields.length == 4 ? Action.parse(fields[3]) : defaultAction;
        listeners.add(new ListenerSpec(Endpoint.parse(fields[0]), Endpoint.parse(fields[1]), policies, action));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    if (listeners.isEmpty()) {
      throw new IllegalArgumentException(source + ": no listener lines found");
    }
    return listeners;
  }
}
