package io.heartguard.tlsserver.starttls;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * XMPP as Prosody 0.9 spoke it with encryption required (RFC 6120 section 5.4): the client opens a stream, the server
 * answers with its own header and features holding {@code <starttls><required/></starttls>}, and the client's
 * {@code <starttls/>} is answered {@code <proceed/>}. Client-to-server and server-to-server differ in the namespace.
 *
 * @param namespace the stream's default namespace, jabber:client or jabber:server
 */
record XmppServerDialog(String namespace) implements ServerDialog {
  static final XmppServerDialog CLIENT = new XmppServerDialog("jabber:client");
  static final XmppServerDialog SERVER = new XmppServerDialog("jabber:server");

  static final String TLS_NAMESPACE = "urn:ietf:params:xml:ns:xmpp-tls";
  /** Stream headers and declarations the client may send before its stream opens. */
  private static final int MAX_PROLOGUE_TAGS = 4;
  private static final Pattern DEFAULT_NAMESPACE = Pattern.compile("\\sxmlns\\s*=\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern TO = Pattern.compile("\\sto\\s*=\\s*['\"]([^'\"<&]*)['\"]");

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    String stream = openingStream(p);
    Matcher to = TO.matcher(stream);
    String from = to.find() && !to.group(1).isBlank() ? to.group(1) : p.serverName();
    // RFC 6120 section 4.7.1: the response stream header echoes the service name as 'from' and carries a fresh id.
    p.write("<?xml version='1.0'?><stream:stream xmlns='" + namespace + "' xmlns:stream='http://etherx.jabber.org/streams'"
        + " id='" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + "' from='" + from + "' version='1.0'"
        + " xml:lang='en'>");
    Matcher ns = DEFAULT_NAMESPACE.matcher(stream);
    String clientNamespace = ns.find() ? ns.group(1) : "";
    if (!clientNamespace.equals(namespace)) {
      // RFC 6120 section 4.9.3.10: the stream's content namespace is not the one this service takes.
      streamError(p, "invalid-namespace");
      throw new StartTlsDialogException("XMPP stream in namespace '" + Plaintext.printable(clientNamespace)
          + "', expected " + namespace);
    }
    p.write("<stream:features><starttls xmlns='" + TLS_NAMESPACE + "'><required/></starttls></stream:features>");
    String element = p.readTag();
    if (element.startsWith("<starttls") && element.contains(TLS_NAMESPACE)) {
      if (!element.endsWith("/>")) {
        String end = p.readTag();
        if (!end.matches("</starttls\\s*>")) {
          streamError(p, "not-well-formed");
          throw new StartTlsDialogException("XMPP <starttls> followed by '" + Plaintext.printable(end) + "', expected </starttls>");
        }
      }
      p.skipArrivedWhitespace();
      p.write("<proceed xmlns='" + TLS_NAMESPACE + "'/>"); // RFC 6120 section 5.4.2.3
      return;
    }
    if (element.startsWith("</stream:stream")) {
      p.write("</stream:stream>");
      throw new StartTlsDialogException("XMPP client closed its stream before <starttls/>");
    }
    // RFC 6120 section 5.3.1: with TLS required, anything else before it is a policy violation.
    streamError(p, "policy-violation");
    throw new StartTlsDialogException("XMPP client sent '" + Plaintext.printable(element) + "', expected <starttls/>");
  }

  /** The client's stream header, past an XML declaration if it sent one. */
  private static String openingStream(Plaintext p) throws IOException, StartTlsDialogException {
    for (int i = 0; i < MAX_PROLOGUE_TAGS; i++) {
      String tag = p.readTag();
      if (tag.startsWith("<?")) {
        continue;
      }
      if (tag.startsWith("<stream:stream") && !tag.endsWith("/>")) {
        return tag;
      }
      throw new StartTlsDialogException("XMPP client sent '" + Plaintext.printable(tag) + "', expected <stream:stream>");
    }
    throw new StartTlsDialogException("XMPP client sent " + MAX_PROLOGUE_TAGS + " declarations without a <stream:stream>");
  }

  private static void streamError(Plaintext p, String condition) throws IOException {
    p.write("<stream:error><" + condition + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
  }
}
