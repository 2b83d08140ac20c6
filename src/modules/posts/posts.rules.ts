import { invalid } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import { POLL_OPTION_MAX } from './posts.schemas.js';

/** Trims each poll option (1-80 characters) and refuses two that differ only in case. */
export function cleanPollOptions(options: readonly string[]): string[] {
  const cleaned = options.map((option, i) =>
    cleanText(option, `poll.options[${i}]`, { min: 1, max: POLL_OPTION_MAX }),
  );
  const seen = new Set<string>();
  for (const option of cleaned) {
    const key = option.toLowerCase();
    if (seen.has(key)) throw invalid('poll.options', 'must be distinct, ignoring case');
    seen.add(key);
  }
  return cleaned;
}
