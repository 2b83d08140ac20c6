/**
 * Where a JSON text fails to parse, in words a person can act on: "unexpected 'j' at line 1,
 * column 9". Node 20's messages give a position for some errors and quote the text for others;
 * both become a line and a column here, and the sent text is never echoed back.
 */
export function describeJsonError(text: string): string {
  let message: string;
  try {
    JSON.parse(text);
    // it parses: the service's parser refused it for a key such as __proto__
    return 'it holds a __proto__ or constructor.prototype key, which is not accepted';
  } catch (error) {
    message = (error as Error).message;
  }
  if (/unexpected end of json input/i.test(message) || /unterminated string/i.test(message)) {
    return 'it ends before the JSON is complete (a missing closing quote, } or ]?)';
  }
  const position = /at position (\d+)/.exec(message);
  if (position?.[1] !== undefined) {
    const at = Number(position[1]);
    const what = message.replace(/\s*(in JSON )?at position \d+.*$/s, '');
    return `${lowerFirst(what)} at ${lineAndColumn(text, at)}`;
  }
  const token = /^Unexpected token '(.)'/.exec(message) ?? /^Unexpected token (.)/.exec(message);
  if (token?.[1] !== undefined) {
    const at = firstOutsideStrings(text, token[1]);
    return `unexpected '${token[1]}'${at >= 0 ? ` at ${lineAndColumn(text, at)}` : ''}`;
  }
  return 'it could not be parsed';
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** 1-based line and column of a 0-based index. */
export function lineAndColumn(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** The first place `char` stands outside a JSON string, where a parser would meet it. */
function firstOutsideStrings(text: string, char: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      if (char === '"') return i;
      inString = true;
    } else if (c === char) {
      return i;
    }
  }
  return -1;
}
