package io.heartguard.guard;

import io.heartguard.detect.Alert;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;
import java.util.Objects;

/** One alert the guard raises, with what it did about the record: a detection engine finding or a policy event. */
public sealed interface GuardAlert {
  /** FORWARD when the alert only reports (monitor, or a rule the policies do not block). */
  Verdict verdict();

  /** The rule's name, as in the alert's {@code alert.rule}. */
  String ruleId();

  Direction direction();

  /** A finding of the shared detection engine ({@code io.heartguard.detect.HeartbleedRules}). */
  record Detection(Alert alert, Verdict verdict) implements GuardAlert {
    public Detection {
      Objects.requireNonNull(alert, "alert");
      Objects.requireNonNull(verdict, "verdict");
      alert = alert.withoutLeakedBytes(); // leaked memory never leaves through the guard's alerts
    }

    @Override
    public String ruleId() {
      return alert.rule().id();
    }

    @Override
    public Direction direction() {
      return alert.direction();
    }
  }

  /** A guard event: a record restricted by policy, or framing lost. */
  record PolicyHit(GuardRule rule, Direction direction, FlowInfo flow, long timestampNanos, int recordLength,
      String reason, Verdict verdict) implements GuardAlert {
    public PolicyHit {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(flow, "flow");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(verdict, "verdict");
    }

    @Override
    public String ruleId() {
      return rule.id();
    }
  }
}
