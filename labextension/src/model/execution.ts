/** Pure helpers of the Execution tab: a command line as argv and back, environment variables as lines. */

/** Split a command line as a POSIX shell would (quotes and backslashes; no expansion). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) {
        quote = null;
      } else if (c === '\\' && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) {
        cur += text[++i];
      } else {
        cur += c;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) {
        out.push(cur);
      }
      cur = '';
      has = false;
    } else {
      cur += c;
    }
  }
  if (quote) {
    throw new Error(`unclosed ${quote} in the arguments`);
  }
  if (has || cur) {
    out.push(cur);
  }
  return out;
}

/** argv[1:] as one line, quoted where needed, so splitArgs gives it back. */
export function joinArgs(args: string[]): string {
  return args.map(a => (a === '' || /[\s"'\\$`]/.test(a) ? `'${a.replace(/'/g, `'"'"'`)}'` : a)).join(' ');
}

/** `NAME=value` lines (blank lines and `#` comments skipped) as an object; an error names the bad line. */
export function parseEnvironment(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      return;
    }
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq).trim();
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`line ${i + 1} of the environment: write NAME=value (got ${JSON.stringify(line)})`);
    }
    out[name] = line.slice(eq + 1);
  });
  return out;
}

export function formatEnvironment(env: unknown): string {
  if (!env || typeof env !== 'object') {
    return '';
  }
  return Object.entries(env as Record<string, unknown>)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n');
}
