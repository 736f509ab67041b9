import { InvalidArgumentError } from '@proj/errdefs';
import { type Filter, type Operator, type Selector, all, always, any, selectorFilter } from './filter.js';
import { unquote } from './quote.js';
import { Scanner, Token } from './scanner.js';

/**
 * Parses one filter string in containerd's syntax into a {@link Filter}.
 *
 * ```
 * selectors := selector ("," selector)*
 * selector  := fieldpath (operator value)?
 * fieldpath := field ("." field)*
 * field     := quoted | [A-Za-z0-9_]+
 * operator  := "==" | "!=" | "~="
 * value     := quoted | [^\s,]+
 * quoted    := "…" (Go string syntax); values of ~= may also use /…/ or |…|
 * ```
 *
 * All selectors of one string must match. An empty string matches everything. A bad string
 * throws InvalidArgument whose message points at the offending character:
 * `parse error: [name= >|=|< =x]: …`.
 */
export function parseFilter(input: string): Filter {
  if (input === '') return always;
  const selectors = parseSelectors(input);
  return all(selectors.map(compileSelector));
}

/**
 * Parses several filter strings; an object passes when it matches ANY of them (as the
 * `filters` of containerd's List requests). No strings at all match everything.
 */
export function parseFilters(...inputs: string[]): Filter {
  if (inputs.length === 0) return always;
  return any(inputs.map(parseFilter));
}

/** Parses one filter string into its selectors, without compiling them. */
export function parseSelectors(input: string): Selector[] {
  return new Parser(input).parse();
}

function compileSelector(selector: Selector): Filter {
  if (selector.operator !== '~=') return selectorFilter(selector);
  try {
    return selectorFilter(selector, new RegExp(selector.value, 'u'));
  } catch (cause) {
    throw new InvalidArgumentError(
      `filter: invalid regular expression ${JSON.stringify(selector.value)} after ~= on ${selector.fieldpath.join('.')}`,
      { cause },
    );
  }
}

class Parser {
  private readonly scanner = new Scanner();

  constructor(private readonly input: string) {}

  parse(): Selector[] {
    this.scanner.init(this.input);
    const selectors = [this.selector()];
    for (;;) {
      const ch = this.scanner.peek();
      if (ch === 0x2c) {
        const { pos, token } = this.scanner.scan();
        if (token !== Token.Separator) throw this.error(pos, 'expected a separator');
        selectors.push(this.selector());
      } else if (ch === Token.EOF) {
        return selectors;
      } else {
        throw this.error(this.scanner.ppos, `unexpected input: ${String.fromCodePoint(Math.max(ch, 0))}`);
      }
    }
  }

  private selector(): Selector {
    const fieldpath = this.fieldpath();
    const next = this.scanner.peek();
    if (next === 0x2c || next === Token.EOF) return { fieldpath, operator: 'present', value: '' };
    const operator = this.operator();
    const value = this.value(operator === '~=');
    return { fieldpath, operator, value };
  }

  private fieldpath(): string[] {
    const fields = [this.field()];
    while (this.scanner.peek() === 0x2e) {
      const { pos, token } = this.scanner.scan();
      if (token !== Token.Separator) throw this.error(pos, 'expected a field separator (`.`)');
      fields.push(this.field());
    }
    return fields;
  }

  private field(): string {
    const { pos, token, text } = this.scanner.scan();
    if (token === Token.Field) return text;
    if (token === Token.Quoted) return this.unquote(pos, text, false);
    if (token === Token.Illegal) throw this.error(pos, this.scanner.err);
    throw this.error(pos, 'expected field or quoted');
  }

  private operator(): Operator {
    const { pos, token, text } = this.scanner.scan();
    if (token === Token.Operator) {
      if (text === '==' || text === '!=' || text === '~=') return text;
      throw this.error(pos, `unsupported operator ${JSON.stringify(text)}`);
    }
    if (token === Token.Illegal) throw this.error(pos, this.scanner.err);
    throw this.error(pos, 'expected an operator ("=="|"!="|"~=")');
  }

  private value(allowAltQuotes: boolean): string {
    const { pos, token, text } = this.scanner.scan();
    if (token === Token.Value || token === Token.Field) return text;
    if (token === Token.Quoted) return this.unquote(pos, text, allowAltQuotes);
    if (token === Token.Illegal) throw this.error(pos, this.scanner.err);
    if (token === Token.EOF) throw this.error(pos, 'unexpected end of filter: expected a value');
    throw this.error(pos, 'expected value or quoted');
  }

  private unquote(pos: number, text: string, allowAlts: boolean): string {
    if (!allowAlts && text[0] !== '"' && text[0] !== "'") throw this.error(pos, 'invalid quote encountered');
    try {
      return unquote(text);
    } catch (cause) {
      throw this.error(pos, `unquoting failed: ${(cause as Error).message}`);
    }
  }

  private error(pos: number, message: string): InvalidArgumentError {
    const input = this.input;
    const where =
      pos < input.length
        ? `[${input.slice(0, pos)} >|${input.slice(pos, pos + 1)}|< ${input.slice(pos + 1)}]`
        : `[${input}]`;
    return new InvalidArgumentError(`filters: parse error: ${where}: ${message}`);
  }
}
