// The lexer of containerd's filter syntax. It mirrors containerd's scanner rune for rune so the
// same strings tokenize the same way: a value may not start with `.`, `,`, a quote or an
// operator character, but may contain them (except `,` and spaces) after its first character.

/** Token classes; any other token is the single character it stands for. */
export const Token = {
  EOF: -1,
  Quoted: -2,
  Value: -3,
  Field: -4,
  Separator: -5,
  Operator: -6,
  Illegal: -7,
} as const;

/** One scanned token: where it starts, its class, and its text. */
export interface Scanned {
  pos: number;
  token: number;
  text: string;
}

const EOF = -1;
const ILLEGAL = -7;

export class Scanner {
  private input = '';
  /** Start of the current rune. */
  pos = 0;
  /** End of the current rune (start of the next). */
  ppos = 0;
  private value = false;
  /** The first error met, if any. */
  err = '';

  init(input: string): void {
    this.input = input;
    this.pos = 0;
    this.ppos = 0;
    this.value = false;
    this.err = '';
  }

  private next(): number {
    if (this.pos >= this.input.length) return EOF;
    this.pos = this.ppos;
    if (this.ppos >= this.input.length) return EOF;
    const cp = this.input.codePointAt(this.ppos) as number;
    this.ppos += cp > 0xffff ? 2 : 1;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      this.error('rune error');
      return ILLEGAL;
    }
    if (cp === 0) {
      this.error('unexpected null');
      return ILLEGAL;
    }
    return cp;
  }

  /** The next rune without consuming it (EOF as -1). */
  peek(): number {
    const { pos, ppos } = this;
    const ch = this.next();
    this.pos = pos;
    this.ppos = ppos;
    return ch;
  }

  scan(): Scanned {
    let ch = this.next();
    let pos = this.pos;
    for (;;) {
      if (ch === EOF || ch === ILLEGAL) return { pos: this.pos, token: ch === EOF ? Token.EOF : Token.Illegal, text: '' };
      if (isQuoteRune(ch)) {
        if (!this.scanQuoted(ch)) return { pos, token: Token.Illegal, text: this.input.slice(pos, this.ppos) };
        return { pos, token: Token.Quoted, text: this.input.slice(pos, this.ppos) };
      }
      if (isSeparatorRune(ch)) {
        this.value = false;
        return { pos, token: Token.Separator, text: this.input.slice(pos, this.ppos) };
      }
      if (isOperatorRune(ch)) {
        this.scanWhile(isOperatorRune);
        this.value = true;
        return { pos, token: Token.Operator, text: this.input.slice(pos, this.ppos) };
      }
      if (isSpace(ch)) {
        ch = this.next();
        pos = this.pos;
        continue;
      }
      if (this.value) {
        this.scanWhile(isValueRune);
        this.value = false;
        return { pos, token: Token.Value, text: this.input.slice(pos, this.ppos) };
      }
      if (isFieldRune(ch)) {
        this.scanWhile(isFieldRune);
        return { pos, token: Token.Field, text: this.input.slice(pos, this.ppos) };
      }
      return { pos: this.pos, token: ch, text: '' };
    }
  }

  private scanWhile(accept: (ch: number) => boolean): void {
    for (;;) {
      const ch = this.peek();
      if (ch < 0 || !accept(ch)) return;
      this.next();
    }
  }

  private scanQuoted(quote: number): boolean {
    let illegal = false;
    let ch = this.next();
    while (ch !== quote) {
      if (ch === 0x0a || ch < 0) {
        this.error('quoted literal not terminated');
        return false;
      }
      if (ch === 0x5c) {
        const [next, legal] = this.scanEscape(quote);
        ch = next;
        if (!legal) illegal = true;
      } else {
        ch = this.next();
      }
    }
    return !illegal;
  }

  private scanEscape(quote: number): [number, boolean] {
    const ch = this.next();
    switch (ch) {
      case 0x61: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x76: case 0x5c: // a b f n r t v \
        return [this.next(), true];
      case 0x78: // x
        return this.scanDigits(this.next(), 16, 2);
      case 0x75: // u
        return this.scanDigits(this.next(), 16, 4);
      case 0x55: // U
        return this.scanDigits(this.next(), 16, 8);
      default:
        if (ch === quote) return [this.next(), true];
        if (ch >= 0x30 && ch <= 0x37) return this.scanDigits(ch, 8, 3);
        this.error('illegal escape sequence');
        return [ch, false];
    }
  }

  private scanDigits(first: number, base: number, n: number): [number, boolean] {
    let ch = first;
    while (n > 0 && digitVal(ch) < base) {
      ch = this.next();
      n--;
    }
    if (n > 0) {
      this.error('illegal numeric escape sequence');
      return [ch, false];
    }
    return [ch, true];
  }

  private error(message: string): void {
    if (this.err === '') this.err = message;
  }
}

function digitVal(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  if (ch >= 0x61 && ch <= 0x66) return ch - 0x61 + 10;
  if (ch >= 0x41 && ch <= 0x46) return ch - 0x41 + 10;
  return 16;
}

function isFieldRune(ch: number): boolean {
  return ch === 0x5f || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x30 && ch <= 0x39);
}

function isOperatorRune(ch: number): boolean {
  return ch === 0x3d || ch === 0x21 || ch === 0x7e; // = ! ~
}

function isQuoteRune(ch: number): boolean {
  return ch === 0x2f || ch === 0x7c || ch === 0x22; // / | "
}

function isSeparatorRune(ch: number): boolean {
  return ch === 0x2c || ch === 0x2e; // , .
}

const spaceRe = /\s/u;
const graphicRe = /[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/u;

function isSpace(ch: number): boolean {
  return spaceRe.test(String.fromCodePoint(ch));
}

function isValueRune(ch: number): boolean {
  if (ch === 0x2c || isSpace(ch)) return false;
  return graphicRe.test(String.fromCodePoint(ch));
}
