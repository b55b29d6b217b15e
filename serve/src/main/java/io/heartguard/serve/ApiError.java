package io.heartguard.serve;

/**
 * A request the checker answers with an error status and one line: bad input (400), a refused target (403), no
 * such check (404), too many requests (429) or checks (503), the latter two with the seconds to wait.
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final long retryAfterSeconds;

  private ApiError(int status, String message, long retryAfterSeconds) {
    super(message, null, false, false); // an answer, not a failure: no stack trace is ever taken or shown
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message, 0);
  }

  static ApiError refused(String message) {
    return new ApiError(403, message, 0);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message, 0);
  }

  static ApiError notAcceptable(String message) {
    return new ApiError(406, message, 0);
  }

  /** 504: something the check depends on (the name's DNS) did not answer in time. */
  static ApiError timeout(String message) {
    return new ApiError(504, message, 0);
  }

  static ApiError rateLimited(String message, long retryAfterSeconds) {
    return new ApiError(429, message, retryAfterSeconds);
  }

  static ApiError busy(String message, long retryAfterSeconds) {
    return new ApiError(503, message, retryAfterSeconds);
  }

  int status() {
    return status;
  }

  /** Seconds for the Retry-After header, or 0 for none. */
  long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
