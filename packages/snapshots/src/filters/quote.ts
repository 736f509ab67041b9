// Unquoting of filter strings: Go string-literal syntax, plus `/…/` and `|…|` quotes (which
// behave like double quotes and exist so regular expressions need less escaping).

class QuoteSyntaxError extends Error {
  constructor() {
    super('quote syntax error');
  }
}

const simpleEscapes: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Removes the quotes of a quoted token and resolves its escapes; throws on bad syntax. */
export function unquote(s: string): string {
  if (s.length < 2) throw new QuoteSyntaxError();
  const quote = s[0] as string;
  if (quote !== s[s.length - 1]) throw new QuoteSyntaxError();
  const body = s.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) throw new QuoteSyntaxError();
    return body.replaceAll('\r', '');
  }
  if (quote !== '"' && quote !== "'" && quote !== '|' && quote !== '/') throw new QuoteSyntaxError();
  if (body.includes('\n')) throw new QuoteSyntaxError();
  if (!body.includes('\\') && !body.includes(quote) && quote !== "'") return body;

  const bytes: number[] = [];
  const pushText = (text: string) => bytes.push(...Buffer.from(text, 'utf8'));
  let i = 0;
  let count = 0;
  while (i < body.length) {
    const c = body[i] as string;
    count++;
    if (c === quote) throw new QuoteSyntaxError();
    if (c !== '\\') {
      const cp = body.codePointAt(i) as number;
      pushText(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new QuoteSyntaxError();
    i += 2;
    if (e in simpleEscapes) {
      pushText(simpleEscapes[e] as string);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i, i + n);
      if (hex.length < n || !/^[0-9a-fA-F]+$/.test(hex)) throw new QuoteSyntaxError();
      const v = Number.parseInt(hex, 16);
      i += n;
      if (e === 'x') bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new QuoteSyntaxError();
        pushText(String.fromCodePoint(v));
      }
    } else if (e >= '0' && e <= '7') {
      const oct = e + body.slice(i, i + 2);
      if (!/^[0-7]{3}$/.test(oct)) throw new QuoteSyntaxError();
      const v = Number.parseInt(oct, 8);
      if (v > 255) throw new QuoteSyntaxError();
      bytes.push(v);
      i += 2;
    } else if (e === "'" || e === '"' || e === '|' || e === '/') {
      if (e !== quote) throw new QuoteSyntaxError();
      bytes.push(e.charCodeAt(0));
    } else {
      throw new QuoteSyntaxError();
    }
    if (quote === "'" && i < body.length) throw new QuoteSyntaxError();
  }
  if (quote === "'" && count !== 1) throw new QuoteSyntaxError();
  return Buffer.from(bytes).toString('utf8');
}
