import * as React from 'react';

import { addTags, setTagColor, tagColor } from '../model/tags';

/** One tag, in its colour. */
export function TagChip(props: { tag: string; children?: React.ReactNode }): JSX.Element {
  const color = tagColor(props.tag);
  return (
    <span
      className="je-tag je-tag-colored"
      data-tag={props.tag}
      style={{ borderColor: color, background: `${color}33` }}
    >
      {props.tag}
      {props.children}
    </span>
  );
}

/**
 * Tags editable in place: ✕ removes one, the field adds (Enter; commas for several), the colour
 * dot picks the tag's colour. `onChange` stores the new list.
 */
export function TagEditor(props: { tags: string[]; onChange: (tags: string[]) => void; busy?: boolean }) {
  const [text, setText] = React.useState('');
  const [, redraw] = React.useState(0);
  const add = () => {
    const next = addTags(props.tags, text);
    setText('');
    if (next.length !== props.tags.length) {
      props.onChange(next);
    }
  };
  return (
    <span className="je-tag-editor">
      {props.tags.map(t => (
        <TagChip key={t} tag={t}>
          <input
            type="color"
            className="je-tag-color"
            aria-label={`Colour of ${t}`}
            value={tagColor(t)}
            onChange={e => {
              setTagColor(t, e.target.value);
              redraw(n => n + 1);
            }}
          />
          <button
            className="je-chip-x"
            aria-label={`Remove tag ${t}`}
            disabled={props.busy}
            onClick={() => props.onChange(props.tags.filter(x => x !== t))}
          >
            ✕
          </button>
        </TagChip>
      ))}
      <input
        className="je-tag-input"
        aria-label="Add a tag"
        placeholder="+ tag"
        value={text}
        disabled={props.busy}
        onChange={e => setText(e.target.value)}
        onKeyDown={e => e.key === 'Enter' && add()}
        onBlur={() => text.trim() && add()}
      />
    </span>
  );
}
