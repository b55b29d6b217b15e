package io.heartguard.detect;

/** Which way a record travels on a connection; the client is the side that opened it. */
public enum Direction {
  TO_SERVER,
  TO_CLIENT;

  public Direction opposite() {
    return this == TO_SERVER ? TO_CLIENT : TO_SERVER;
  }

  /** The name Suricata's EVE output uses: "to_server" or "to_client". */
  public String eveName() {
    return this == TO_SERVER ? "to_server" : "to_client";
  }

  /** Who sends records in this direction, for alert text. */
  public String sender() {
    return this == TO_SERVER ? "client" : "server";
  }
}
