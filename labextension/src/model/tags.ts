/**
 * Tag colours: each tag has one, the same in every view. A colour picked by the user is kept in
 * this browser (as ClearML keeps them in the user's settings); others come from the tag's name.
 */

const KEY = 'jupyter-ext:tag-colors';
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b8a22e', '#b07aa1', '#d3718a', '#9c755f'];

// Where the browser has no storage (private mode, tests), picks last for the session.
let memory: string | null = null;

function storage(): { getItem(k: string): string | null; setItem(k: string, v: string): void } {
  const local = (globalThis as { localStorage?: Storage }).localStorage;
  return local ?? { getItem: () => memory, setItem: (_k, v) => void (memory = v) };
}

function stored(): Record<string, string> {
  try {
    const raw = storage().getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as unknown) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** The colour drawn for `tag` when the user picked none: a hash of the name into the palette. */
export function defaultTagColor(tag: string): string {
  // FNV-1a: short names that differ by a letter land on different colours.
  let h = 2166136261;
  for (let i = 0; i < tag.length; i++) {
    h = Math.imul(h ^ tag.charCodeAt(i), 16777619);
  }
  return PALETTE[(h >>> 0) % PALETTE.length];
}

export function tagColor(tag: string): string {
  const picked = stored()[tag];
  return typeof picked === 'string' && /^#[0-9a-f]{6}$/i.test(picked) ? picked : defaultTagColor(tag);
}

export function setTagColor(tag: string, color: string | null): void {
  const all = stored();
  if (color) {
    all[tag] = color;
  } else {
    delete all[tag];
  }
  try {
    storage().setItem(KEY, JSON.stringify(all));
  } catch {
    // A browser without storage (private mode) keeps the default colours.
  }
}

/** The tags after adding `text` (comma-separated, trimmed, no duplicates) to `tags`. */
export function addTags(tags: string[], text: string): string[] {
  const out = tags.slice();
  for (const t of text.split(',').map(s => s.trim())) {
    if (t && !out.includes(t)) {
      out.push(t);
    }
  }
  return out;
}
