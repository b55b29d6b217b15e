package io.heartguard.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

/**
 * The contract every parser in the wire core keeps on any input: it returns a value or throws its own
 * {@link WireException} subclass with a message, nothing else, and allocates in proportion to the bytes it was
 * given, never to a length those bytes claim.
 */
public final class ParserContract {
  /**
   * Per input byte: a parser copies its input a few times (body, vector, value) and boxes small codes into lists,
   * so a byte may cost a few dozen bytes of heap; never kilobytes.
   */
  public static final long BYTES_PER_INPUT_BYTE = 64;
  /** Fixed cost of a parse whatever the input: readers, lists, exception with its stack trace. */
  public static final long FIXED_BYTES = 64 * 1024;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** A parse that may fail only with a wire exception. */
  @FunctionalInterface
  public interface Parse {
    void run() throws WireException;
  }

  private ParserContract() {}

  /**
   * Runs {@code parse} on an input of {@code inputLength} bytes and checks the contract: any exception is an
   * {@code own} with a message, and the heap allocated stays within the input's justification.
   */
  public static void holds(Class<? extends WireException> own, int inputLength, Parse parse) {
    // The first run bootstraps what its path needs once per JVM (string concatenation, lambdas, class loading);
    // the second, on the same input, shows what the parse itself costs.
    runChecked(own, parse);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    runChecked(own, parse);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated)
        .as("bytes allocated parsing %d input bytes", inputLength)
        .isLessThanOrEqualTo(BYTES_PER_INPUT_BYTE * inputLength + FIXED_BYTES);
  }

  private static void runChecked(Class<? extends WireException> own, Parse parse) {
    try {
      parse.run();
    } catch (WireException e) {
      assertThat(e).isInstanceOf(own);
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
