// Tags and the do-not-train flag: item annotations, editable at any time, not decisions.
import { useState } from "react";
import { visibleText } from "../invisibles";
import { SafeText } from "./SafeText";

interface ItemAnnotationsProps {
  tags: string[];
  doNotTrain: boolean;
  onAddTag: (tag: string) => void;
  onRemoveTag: (tag: string) => void;
  onDoNotTrain: (flag: boolean) => void;
}

export function ItemAnnotations({ tags, doNotTrain, onAddTag, onRemoveTag, onDoNotTrain }: ItemAnnotationsProps) {
  const [draft, setDraft] = useState("");
  const add = () => {
    if (draft.trim() === "") return;
    onAddTag(draft.trim());
    setDraft("");
  };
  return (
    <div className="annotations" data-testid="annotations">
      <ul className="tag-list" aria-label="Tags">
        {tags.map((tag) => (
          <li key={tag} className="tag" data-testid="tag">
            <SafeText text={tag} />
            <button type="button" className="icon-button" aria-label={`Remove tag ${visibleText(tag)}`} onClick={() => onRemoveTag(tag)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <input
        className="input tag-input"
        data-testid="tag-input"
        placeholder="Add tag, Enter"
        value={draft}
        maxLength={64}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            add();
          }
        }}
      />
      <label className="do-not-train" title="Exports for fine-tuning leave this item out">
        <input type="checkbox" data-testid="do-not-train" checked={doNotTrain} onChange={(event) => onDoNotTrain(event.target.checked)} /> Do not train
      </label>
    </div>
  );
}
