package io.heartguard.audit;

import java.io.IOException;

/**
 * A child process for the --processes tests: maps the shared libraries it is given (System.load is dlopen; a library
 * without JNI_OnLoad loads all the same), says "loaded", and holds them until its stdin closes.
 */
public final class LibraryHolder {
  private LibraryHolder() {}

  public static void main(String[] args) throws IOException {
    for (String path : args) {
      System.load(path);
    }
    System.out.println("loaded");
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold the mappings until the test closes our stdin
    }
  }
}
