const REDACTED = '[redacted]';

/** Shorter values cannot be told from the words and numbers of a message (and no credential is that short). */
const MIN_SECRET_LENGTH = 6;

/** The shortest start of a secret recognised where a quoted body was cut off. */
const MIN_CUT_LENGTH = 8;

/**
 * `text` without any of `secrets`, whole or JSON-escaped, nor the start of one cut off at its end (an error quoting a
 * response body keeps its first characters only). Longer secrets go first, so one holding another goes whole.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  const longestFirst = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) {
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join(REDACTED);
    for (let n = secret.length - 1; n >= MIN_CUT_LENGTH; n--) {
      if (out.endsWith(secret.slice(0, n))) {
        out = out.slice(0, -n) + REDACTED;
        break;
      }
    }
  }
  return out;
}
