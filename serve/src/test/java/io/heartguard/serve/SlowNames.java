package io.heartguard.serve;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The JDK's own resolver, except that a name under {@value #DOMAIN} is a DNS server that never answers: the lookup
 * blocks until its thread is interrupted. Installed for this module's tests through the JDK's resolver SPI (JEP 418,
 * META-INF/services), so the checker's real lookup path meets it; every other name goes to the built-in resolver.
 */
public final class SlowNames extends InetAddressResolverProvider {
  static final String DOMAIN = ".slow.invalid";

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        if (host.endsWith(DOMAIN)) {
          try {
            new CountDownLatch(1).await(); // never counted down: as long as a silent resolver's retries, or longer
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new UnknownHostException(host + ": no answer");
        }
        return builtin.lookupByName(host, policy);
      }

      @Override
      public String lookupByAddress(byte[] address) throws UnknownHostException {
        return builtin.lookupByAddress(address);
      }
    };
  }

  @Override
  public String name() {
    return "heartguard-test-slow-names";
  }
}
