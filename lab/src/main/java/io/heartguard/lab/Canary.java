package io.heartguard.lab;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Credentials planted for one source address only: HMAC-SHA256 of the address under the run's secret, so each
 * attacker leaks a login nobody else saw, and a later use of it names who ran the scan. Nothing is stored: the same
 * secret and address give the same canary again.
 *
 * @param username looks like a service account: {@code svc-backup-} and 8 hex digits
 * @param password 16 URL-safe base64 characters
 */
record Canary(String username, String password) {
  static Canary forSource(byte[] secret, InetAddress source) {
    byte[] mac;
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac = hmac.doFinal(source.getAddress());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must provide HmacSHA256", e);
    }
    String user = "svc-backup-" + HexFormat.of().formatHex(mac, 0, 4);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(mac, 4, 16));
    return new Canary(user, password);
  }

  /** A login form as a 2014 web server would hold it in memory after a POST. */
  String asLoginRequest() {
    String form = "username=" + username + "&password=" + password;
    return "POST /admin/login HTTP/1.1\r\nHost: backup.shop.example\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
        + form.getBytes(StandardCharsets.US_ASCII).length + "\r\n\r\n" + form;
  }

  /** "user:password", as the log records the canary issued. */
  String text() {
    return username + ":" + password;
  }
}
