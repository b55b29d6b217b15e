package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The walk must hold O(targets written), never O(addresses): these tests count what a source retains, structurally,
 * so that a /8 is checked without walking 16.7 million addresses (bench/targets/walk.sh does that, with a heap cap).
 */
class RetainedStateTest {
  /**
   * Slots reachable from {@code root}: one per object plus one per array element. Our own classes and arrays are
   * followed field by field, JDK collections through their API; other JDK objects (strings, addresses, the resolver)
   * count as one slot: none of them grows with the space.
   */
  static long slots(Object root) throws IllegalAccessException {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> pending = new ArrayDeque<>();
    pending.push(root);
    long slots = 0;
    while (!pending.isEmpty()) {
      Object o = pending.pop();
      if (!seen.add(o)) {
        continue;
      }
      slots++;
      Class<?> c = o.getClass();
      if (c.isArray()) {
        int length = java.lang.reflect.Array.getLength(o);
        slots += length;
        if (!c.getComponentType().isPrimitive()) {
          for (int i = 0; i < length; i++) {
            push(pending, java.lang.reflect.Array.get(o, i));
          }
        }
      } else if (o instanceof Collection<?> collection) {
        slots += collection.size();
        collection.forEach(e -> push(pending, e));
      } else if (o instanceof Map<?, ?> map) {
        slots += 2L * map.size();
        map.forEach((k, v) -> {
          push(pending, k);
          push(pending, v);
        });
      } else if (c.getPackageName().equals("io.heartguard.targets")) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
          for (Field f : k.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
              continue;
            }
            f.setAccessible(true);
            push(pending, f.get(o));
          }
        }
      }
    }
    return slots;
  }

  private static void push(Deque<Object> pending, Object o) {
    if (o != null) {
      pending.push(o);
    }
  }

  static TargetSource opened(String... targets) throws TargetSyntaxException {
    TargetSpace.Builder b = TargetSpace.builder().seed(5).ports(PortList.parse("443,465,993,995,8443"));
    for (String t : targets) {
      b.add(t);
    }
    return b.build().open();
  }

  static void advance(TargetSource source, int steps) throws Exception {
    for (int i = 0; i < steps; i++) {
      assertThat(source.next()).isPresent();
    }
  }

  @Test
  void aSlash8RetainsWhatASlash24Retains() throws Exception {
    TargetSource eight = opened("10.0.0.0/8");
    TargetSource twentyFour = opened("10.0.0.0/24");
    advance(eight, 100);
    advance(twentyFour, 100);
    assertThat(slots(eight)).isEqualTo(slots(twentyFour)).isLessThan(100);
  }

  @Test
  void walkingDoesNotAccumulateState() throws Exception {
    TargetSource source = opened("10.0.0.0/8", "2001:db8::/104");
    advance(source, 10);
    long early = slots(source);
    advance(source, 200_000);
    assertThat(slots(source)).isEqualTo(early);
  }

  @Test
  void stateGrowsWithTheTargetsWrittenNotTheAddressesTheyCover() throws Exception {
    String[] hundred = new String[100];
    String[] thousand = new String[1000];
    for (int i = 0; i < thousand.length; i++) {
      // Disjoint /16s spread over the IPv4 space, so no two merge: each costs its own interval.
      String block = (i / 256 + 1) + "." + (i % 256) + ".0.0/16";
      thousand[i] = block;
      if (i < hundred.length) {
        hundred[i] = block;
      }
    }
    long perBlockAt100 = slots(opened(hundred)) / 100;
    long at1000 = slots(opened(thousand));
    assertThat(at1000).as("linear in blocks: about ten times the state of 100 blocks")
        .isBetween(9 * 100 * perBlockAt100, 11 * 100 * perBlockAt100 + 100);
    assertThat(at1000 / 1000).as("slots per block, each block 65536 addresses × 5 ports").isLessThan(20);
  }
}
