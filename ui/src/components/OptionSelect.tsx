import type { Ref } from "react";

export interface Option<T extends string> {
  value: T;
  label: string;
}

interface OptionSelectProps<T extends string> {
  value: T;
  options: readonly Option<T>[];
  onChange: (value: T) => void;
  testId: string;
  selectRef?: Ref<HTMLSelectElement>;
}

/** A `<select>` over a fixed list of typed choices: only a listed value ever reaches `onChange`. */
export function OptionSelect<T extends string>({ value, options, onChange, testId, selectRef }: OptionSelectProps<T>) {
  return (
    <select
      ref={selectRef}
      className="input"
      data-testid={testId}
      value={value}
      onChange={(event) => {
        const picked = options.find((o) => o.value === event.target.value);
        if (picked !== undefined) onChange(picked.value);
      }}
    >
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
