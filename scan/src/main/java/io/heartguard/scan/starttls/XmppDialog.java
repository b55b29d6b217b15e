package io.heartguard.scan.starttls;

import java.util.regex.Pattern;

/**
 * XMPP (RFC 6120 section 5.4): open a stream to the host, find {@code <starttls/>} among the stream features, ask,
 * and wait for {@code <proceed/>}. The client-to-server and server-to-server streams differ only in the namespace.
 */
record XmppDialog(String namespace) implements Dialog {
  static final XmppDialog CLIENT = new XmppDialog("jabber:client");
  static final XmppDialog SERVER = new XmppDialog("jabber:server");

  /** The end of the features (or of a stream that failed instead). */
  private static final Pattern FEATURES_END = Pattern.compile(
      "</(?:\\w+:)?features\\s*>|<(?:\\w+:)?features\\s*/>|</(?:\\w+:)?error\\s*>|</(?:\\w+:)?stream\\s*>");
  private static final Pattern STARTTLS_OFFERED = Pattern.compile("<starttls[\\s>/]");
  private static final Pattern ANSWER_END = Pattern.compile(
      "<proceed[^>]*/>|<proceed[^>]*>\\s*</proceed\\s*>|<failure[^>]*/>|</failure\\s*>|</(?:\\w+:)?error\\s*>|</(?:\\w+:)?stream\\s*>");
  /** The condition element inside a stream error (RFC 6120 section 4.9.3), e.g. host-unknown. */
  private static final Pattern ERROR_CONDITION = Pattern.compile("<(?:\\w+:)?error[^>]*>\\s*<([\\w-]+)");

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    // RFC 6120 section 4.7.2: 'to' names the service; section 5.4.1: 'version' 1.0 for features to be sent.
    conversation.send(("<?xml version='1.0'?><stream:stream xmlns='" + namespace + "'"
        + " xmlns:stream='http://etherx.jabber.org/streams' to='" + xmlAttribute(host) + "' version='1.0'>")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String features = conversation.readUntil(FEATURES_END, "the stream features");
    if (!features.matches("(?s).*features\\s*/?>\\s*$")) {
      throw Dialog.refused("stream error " + condition(features));
    }
    if (!STARTTLS_OFFERED.matcher(features).find()) {
      throw Dialog.refused("no <starttls/> among the stream features");
    }
    conversation.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    String answer = conversation.readUntil(ANSWER_END, "the answer to <starttls/>").strip();
    if (answer.startsWith("<proceed")) {
      return Conversation.quote(answer);
    }
    if (answer.startsWith("<failure")) {
      throw Dialog.refused(Conversation.quote(answer)); // RFC 6120 section 5.4.2.2
    }
    throw Dialog.refused("stream error " + condition(answer));
  }

  private static String condition(String xml) {
    var m = ERROR_CONDITION.matcher(xml);
    return m.find() ? "<" + m.group(1) + "/>" : Conversation.quote(xml.strip());
  }

  private static String xmlAttribute(String s) {
    return s.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;");
  }
}
