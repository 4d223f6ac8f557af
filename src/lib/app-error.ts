// The one error type: a status, a message a person can act on, a stable code and optional headers.
// It lives outside http/ so services can fail without knowing about the HTTP layer; the HTTP core turns
// it into `{ "error": "…" }` and the CLI into a message and an exit code.
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = codeFor(status),
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function codeFor(status: number): string {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 402: return "payment_required";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 409: return "conflict";
    case 410: return "gone";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 422: return "unprocessable";
    case 429: return "rate_limited";
    default: return status >= 500 ? "internal" : "error";
  }
}
