/**
 * The syntax of catalogue messages: a small subset of ICU MessageFormat, enough for report
 * wording and no more, so that a translator who knows ICU can read it and nothing needs a library.
 *
 * - `{name}` — a parameter: text as given, a number formatted for the locale.
 * - `{name, plural, =0 {…} one {…} other {…}}` — a choice by the number `name`: an exact `=N`
 *   branch first, then the locale's plural category (Intl.PluralRules), then `other` (required).
 *   Inside a branch `#` is the number, formatted for the locale; branches may hold parameters.
 *
 * Braces are always syntax (there is no quoting): report wording has no use for literal braces,
 * and a stray one is a mistake the parser reports rather than text that leaks to a page.
 */

/** One piece of a parsed message. */
export type MessagePart =
  | { kind: 'text'; text: string }
  | { kind: 'parameter'; name: string }
  | { kind: 'plural'; name: string; branches: ReadonlyMap<string, readonly MessagePart[]> }
  /** `#` inside a plural branch: the branch's number. */
  | { kind: 'count' };

/** What formatting a message needs from its locale. */
export interface MessageLocale {
  number(n: number): string;
  pluralCategory(n: number): string;
}

export type MessageParams = Readonly<Record<string, string | number>>;

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const SELECTOR = /^(=\d+|zero|one|two|few|many|other)$/;

class Parser {
  #at = 0;
  constructor(readonly text: string) {}

  fail(problem: string): never {
    throw new SyntaxError(`${problem} at character ${this.#at} of message ${JSON.stringify(this.text)}`);
  }

  /** Parts up to the end of the text (top level) or up to the `}` that closes a plural branch. */
  parts(inBranch: boolean): MessagePart[] {
    const parts: MessagePart[] = [];
    let text = '';
    const flush = () => {
      if (text) parts.push({ kind: 'text', text });
      text = '';
    };
    while (this.#at < this.text.length) {
      const c = this.text[this.#at]!;
      if (c === '}') {
        if (!inBranch) this.fail('unmatched "}"');
        break;
      }
      if (c === '{') {
        flush();
        parts.push(this.placeholder());
      } else if (c === '#' && inBranch) {
        flush();
        parts.push({ kind: 'count' });
        this.#at += 1;
      } else {
        text += c;
        this.#at += 1;
      }
    }
    if (inBranch && this.#at >= this.text.length) this.fail('unclosed plural branch');
    flush();
    return parts;
  }

  /** `{name}` or `{name, plural, …}`, from its `{` to its `}`. */
  placeholder(): MessagePart {
    this.#at += 1;
    const name = this.until(',}');
    if (!NAME.test(name)) this.fail(`bad parameter name ${JSON.stringify(name)}`);
    if (this.text[this.#at] === '{') this.fail('"{" inside a parameter');
    if (this.text[this.#at] === '}') {
      this.#at += 1;
      return { kind: 'parameter', name };
    }
    this.#at += 1;
    const type = this.until(',}');
    if (type !== 'plural' || this.text[this.#at] !== ',') this.fail(`only "plural" choices are supported, not ${JSON.stringify(type)}`);
    this.#at += 1;
    const branches = new Map<string, MessagePart[]>();
    for (;;) {
      const selector = this.until('{}');
      if (this.text[this.#at] === '}') {
        if (selector) this.fail(`plural selector ${JSON.stringify(selector)} without a branch`);
        this.#at += 1;
        break;
      }
      if (!SELECTOR.test(selector)) this.fail(`bad plural selector ${JSON.stringify(selector)}`);
      if (branches.has(selector)) this.fail(`plural selector ${selector} twice`);
      this.#at += 1;
      branches.set(selector, this.parts(true));
      this.#at += 1;
    }
    if (!branches.has('other')) this.fail(`plural {${name}} has no "other" branch`);
    return { kind: 'plural', name, branches };
  }

  /** The trimmed text up to the first of `stops` or a brace (not included); fails at the end of the text. */
  until(stops: string): string {
    const start = this.#at;
    while (this.#at < this.text.length && !`${stops}{}`.includes(this.text[this.#at]!)) this.#at += 1;
    if (this.#at >= this.text.length) this.fail('unclosed "{"');
    return this.text.slice(start, this.#at).trim();
  }
}

/** The parts of `text`; throws a SyntaxError naming the place of a mistake. */
export function parseMessage(text: string): MessagePart[] {
  return new Parser(text).parts(false);
}

/** The names of the parameters a message uses, sorted (each once). */
export function messageParameters(parts: readonly MessagePart[]): string[] {
  const names = new Set<string>();
  const visit = (list: readonly MessagePart[]) => {
    for (const part of list) {
      if (part.kind === 'parameter') names.add(part.name);
      if (part.kind === 'plural') {
        names.add(part.name);
        for (const branch of part.branches.values()) visit(branch);
      }
    }
  };
  visit(parts);
  return [...names].sort();
}

/**
 * The text of a parsed message with `params`. A parameter the message uses but `params` lacks
 * (or gives as null) throws: a page must never show "{name}" or an empty gap, and the tests
 * that render a page catch it. Parameters the message does not use are ignored.
 */
export function formatMessage(parts: readonly MessagePart[], params: MessageParams, locale: MessageLocale, what: string): string {
  const value = (name: string): string | number => {
    const given = params[name];
    if (typeof given === 'string' || (typeof given === 'number' && Number.isFinite(given))) return given;
    throw new TypeError(`${what} needs the parameter "${name}" (a string or finite number), got ${given === undefined ? 'nothing' : JSON.stringify(given)}`);
  };
  const render = (list: readonly MessagePart[], count: number | null): string => {
    let out = '';
    for (const part of list) {
      if (part.kind === 'text') out += part.text;
      else if (part.kind === 'count') out += locale.number(count!);
      else if (part.kind === 'parameter') {
        const v = value(part.name);
        out += typeof v === 'number' ? locale.number(v) : v;
      } else {
        const n = value(part.name);
        if (typeof n !== 'number') throw new TypeError(`${what}: the parameter "${part.name}" chooses a plural form and must be a number, got ${JSON.stringify(n)}`);
        const branch = part.branches.get(`=${n}`) ?? part.branches.get(locale.pluralCategory(n)) ?? part.branches.get('other')!;
        out += render(branch, n);
      }
    }
    return out;
  };
  return render(parts, null);
}
