/**
 * A request URL as it may be written to a log or stored: an access token sent in the query
 * string (the live streams accept `?access_token=`) is replaced by `[redacted]`.
 */
export function redactUrl(url: string): string {
  if (!url.includes('access_token')) return url;
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]');
}
