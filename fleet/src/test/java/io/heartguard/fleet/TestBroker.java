package io.heartguard.fleet;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * The real Kafka broker the fleet's tests run against: the one named by HEARTGUARD_TEST_KAFKA (bin/start-kafka.sh
 * prints it; bin/test exports it). Without that variable a test is skipped, unless CI=true: there a missing broker
 * fails the test, as a missing PostgreSQL does.
 */
final class TestBroker {
  private TestBroker() {}

  static String address() {
    String address = System.getenv("HEARTGUARD_TEST_KAFKA");
    if (address == null || address.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("HEARTGUARD_TEST_KAFKA is not set; CI must run bin/start-kafka.sh and export its address");
      }
      Assumptions.abort("HEARTGUARD_TEST_KAFKA is not set; start bin/start-kafka.sh and export its address");
    }
    return address;
  }
}
