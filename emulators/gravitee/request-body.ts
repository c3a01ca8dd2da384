/** Request bodies as APIM reads them, for validation and handlers. */

/**
 * JSON and form bodies parsed; an Error when a JSON body does not parse; undefined when empty. Any other body
 * (text, none declared) stays text, for the contract to check against the media types the operation declares.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return new Error('request body is not valid JSON');
    }
  }
  return text;
}
